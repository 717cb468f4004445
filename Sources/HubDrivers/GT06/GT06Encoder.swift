import Foundation
import HubModel

/// GT06 frames as a unit sends them, for simulators and tests. The envelope and CRC are the ones the
/// driver checks (`GT06Frame`), so a simulated unit can never drift from what the hub decodes.
public enum GT06Encoder {
    /// A short-envelope frame (`78 78`) around `content`, with its length, serial and CRC-16/X-25.
    public static func frame(protocolNumber: UInt8, content: [UInt8], serial: UInt16) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x78, UInt8(content.count + 5), protocolNumber]
        out += content
        out += [UInt8(serial >> 8), UInt8(serial & 0xFF)]
        let crc = CRC16.x25(out[2...])
        out += [UInt8(crc >> 8), UInt8(crc & 0xFF), 0x0D, 0x0A]
        return out
    }

    /// The login (0x01): the IMEI as 8 BCD bytes behind a zero nibble. Nil unless it is 15 digits.
    public static func login(imei: String, serial: UInt16) -> [UInt8]? {
        let digits = Array(("0" + imei).utf8)
        guard digits.count == 16, digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let bcd = stride(from: 0, to: 16, by: 2).map { (digits[$0] - 48) << 4 | (digits[$0 + 1] - 48) }
        return frame(protocolNumber: 0x01, content: bcd, serial: serial)
    }

    /// A position to report; `at` is written in the unit's local time (`utcOffsetSeconds` east).
    public struct Position: Sendable, Equatable {
        public var at: Date
        public var lat: Double
        public var lon: Double
        public var speedKmh: Int
        public var courseDeg: Int
        public var satellites: Int
        /// False sends the last-known position flag off (the driver then reports no fix).
        public var positioned: Bool

        public init(at: Date, lat: Double, lon: Double, speedKmh: Int = 0, courseDeg: Int = 0, satellites: Int = 9,
                    positioned: Bool = true) {
            self.at = at
            self.lat = lat
            self.lon = lon
            self.speedKmh = speedKmh
            self.courseDeg = courseDeg
            self.satellites = satellites
            self.positioned = positioned
        }
    }

    /// A location packet (0x12): the GPS block then an empty-cell LBS block (MCC, MNC, LAC, cell id).
    public static func location(_ p: Position, serial: UInt16, utcOffsetSeconds: Int = 0) -> [UInt8] {
        frame(protocolNumber: 0x12, content: gpsBlock(p, utcOffsetSeconds) + [0x01, 0xC2, 0x04, 0x00, 0x00, 0, 0, 0],
              serial: serial)
    }

    /// A heartbeat (0x13): terminal info (bit 0 armed/locked), voltage level 0–6, GSM signal 0–4.
    public static func heartbeat(armed: Bool, voltageLevel: UInt8 = 5, gsmSignal: UInt8 = 4, serial: UInt16) -> [UInt8] {
        frame(protocolNumber: 0x13, content: [armed ? 0x01 : 0x00, voltageLevel, gsmSignal, 0x00, 0x02], serial: serial)
    }

    /// An alarm packet (0x16): GPS block, LBS block (its own length first), terminal state with the
    /// alarm code (0x13 tampered, 0x14 opened, 0x03 shock, … as `GT06Packets.alarm(code:)` reads them).
    public static func alarm(_ p: Position, code: UInt8, armed: Bool, serial: UInt16, utcOffsetSeconds: Int = 0)
        -> [UInt8]
    {
        let lbs: [UInt8] = [0x09, 0x01, 0xC2, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]
        let state: [UInt8] = [armed ? 0x01 : 0x00, 0x05, 0x04, code, 0x02]
        return frame(protocolNumber: 0x16, content: gpsBlock(p, utcOffsetSeconds) + lbs + state, serial: serial)
    }

    private static func gpsBlock(_ p: Position, _ utcOffsetSeconds: Int) -> [UInt8] {
        let local = Int(p.at.timeIntervalSince1970.rounded(.down)) + utcOffsetSeconds
        let c = CivilDate.components(daysSince1970: local / 86_400)
        let t = local % 86_400
        var out: [UInt8] = [UInt8(c.year % 100), UInt8(c.month), UInt8(c.day), UInt8(t / 3600), UInt8(t / 60 % 60),
                            UInt8(t % 60), 0xC0 | UInt8(min(p.satellites, 15))]
        var w = ByteWriter()
        w.u32(Int((abs(p.lat) * 1_800_000).rounded()))
        w.u32(Int((abs(p.lon) * 1_800_000).rounded()))
        out += w.bytes
        out.append(UInt8(clamping: p.speedKmh))
        var word = UInt16(clamping: p.courseDeg % 360) & 0x03FF
        if p.lat >= 0 { word |= 0x0400 }
        if p.lon < 0 { word |= 0x0800 }
        if p.positioned { word |= 0x1000 }
        return out + [UInt8(word >> 8), UInt8(word & 0xFF)]
    }
}
