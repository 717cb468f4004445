import Foundation

/// Teltonika frames as a unit sends them (IMEI handshake, codec 8 data packet), for simulators and
/// tests; the CRC is the driver's `CRC16.arc`, so a simulated unit checks out exactly as a real one.
public enum TeltonikaEncoder {
    /// One codec 8 AVL record: a GPS element and no IO elements but the event id.
    public struct Record: Sendable, Equatable {
        public var at: Date
        public var lat: Double
        public var lon: Double
        public var altitudeM: Int
        public var courseDeg: Int
        public var satellites: Int
        public var speedKmh: Int
        public var priority: Int

        public init(at: Date, lat: Double, lon: Double, altitudeM: Int = 0, courseDeg: Int = 0, satellites: Int = 9,
                    speedKmh: Int = 0, priority: Int = 0) {
            self.at = at
            self.lat = lat
            self.lon = lon
            self.altitudeM = altitudeM
            self.courseDeg = courseDeg
            self.satellites = satellites
            self.speedKmh = speedKmh
            self.priority = priority
        }
    }

    /// The handshake: two-byte length, then the IMEI in ASCII digits.
    public static func handshake(imei: String) -> [UInt8] {
        var w = ByteWriter()
        w.u16(imei.utf8.count)
        w.append(Array(imei.utf8))
        return w.bytes
    }

    /// A codec 8 data packet with `records` (at least one, at most 255).
    public static func codec8(_ records: [Record]) -> [UInt8] {
        var data = ByteWriter()
        data.u8(TeltonikaAVL.codec8)
        data.u8(UInt8(records.count))
        for r in records {
            data.uint(UInt64(max(0, (r.at.timeIntervalSince1970 * 1000).rounded())), width: 8)
            data.u8(UInt8(clamping: r.priority))
            data.i32(Int((r.lon * 10_000_000).rounded()))
            data.i32(Int((r.lat * 10_000_000).rounded()))
            data.u16(r.altitudeM)
            data.u16(r.courseDeg)
            data.u8(UInt8(clamping: r.satellites))
            data.u16(r.speedKmh)
            // Event IO id, total IO count, then the 1/2/4/8-byte IO counts: all zero.
            data.append([0, 0, 0, 0, 0, 0])
        }
        data.u8(UInt8(records.count))
        return TeltonikaFrame.packet(data.bytes)
    }
}
