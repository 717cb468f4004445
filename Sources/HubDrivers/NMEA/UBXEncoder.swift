import Foundation

/// u-blox UBX frames as a receiver interleaves them with its NMEA, for tests and simulators:
/// `B5 62`, class, id, little-endian length, payload, and the Fletcher-8 checksum the framer checks.
public enum UBXEncoder {
    public static func frame(class messageClass: UInt8, id: UInt8, payload: [UInt8]) -> [UInt8] {
        let body = [messageClass, id, UInt8(payload.count & 0xFF), UInt8(payload.count >> 8)] + payload
        let (a, b) = checksum(body)
        return [0xB5, 0x62] + body + [a, b]
    }

    /// CK_A, CK_B: the 8-bit Fletcher sums over class … payload.
    public static func checksum(_ bytes: [UInt8]) -> (UInt8, UInt8) {
        var a: UInt8 = 0, b: UInt8 = 0
        for x in bytes {
            a &+= x
            b &+= a
        }
        return (a, b)
    }

    /// UBX-NAV-PVT (class 0x01, id 0x07, 92 bytes) for one fix: time, 3D fix, position in 1e-7°,
    /// heights in mm, ground speed in mm/s, heading in 1e-5°.
    public static func navPVT(_ f: NMEAEncoder.Fix) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 92)
        func put(_ v: Int64, at offset: Int, size: Int) {
            for i in 0..<size { p[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
        }
        let ms = Int64((f.at.timeIntervalSince1970 * 1000).rounded(.down))
        let days = Int(ms / 86_400_000)
        let c = CivilDate.components(daysSince1970: days)
        let t = ms % 86_400_000
        put(ms % (7 * 86_400_000), at: 0, size: 4)  // iTOW (close enough for a test frame)
        put(Int64(c.year), at: 4, size: 2)
        p[6] = UInt8(c.month)
        p[7] = UInt8(c.day)
        p[8] = UInt8(t / 3_600_000)
        p[9] = UInt8(t / 60_000 % 60)
        p[10] = UInt8(t / 1000 % 60)
        p[11] = 0x07  // date, time and fully resolved
        p[20] = 3  // 3D fix
        p[21] = 0x01  // gnssFixOK
        p[23] = UInt8(f.satellites)
        put(Int64((f.lon * 1e7).rounded()), at: 24, size: 4)
        put(Int64((f.lat * 1e7).rounded()), at: 28, size: 4)
        put(Int64((f.altitudeM * 1000).rounded()), at: 32, size: 4)
        put(Int64((f.altitudeM * 1000).rounded()), at: 36, size: 4)
        put(Int64((f.speedKmh / 3.6 * 1000).rounded()), at: 60, size: 4)
        put(Int64((f.courseDeg * 1e5).rounded()), at: 64, size: 4)
        put(90, at: 76, size: 2)  // pDOP 0.90
        return frame(class: 0x01, id: 0x07, payload: p)
    }
}
