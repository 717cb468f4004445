import Foundation
import HubModel

/// The content layouts of the GT06 packets the hub decodes. Only layouts that are the same across
/// GT06, GT06N and the Concox models that reuse them are read; other protocol numbers are counted.
enum GT06Packets {
    /// The GPS block that opens location and alarm packets (18 bytes): local date-time (YY MM DD hh mm ss),
    /// GPS info (high nibble: length, low nibble: satellites), latitude and longitude (unsigned, in
    /// 1/30000 minute), speed (km/h), then course and status in one 16-bit word.
    struct GPSBlock {
        static let size = 18
        var observedAt: Date?
        var satellites: Int
        var lat: Double
        var lon: Double
        var speedKmh: Double
        var courseDeg: Double
        /// Status bit 12: the receiver had a fix (otherwise the position is a stale last-known one).
        var positioned: Bool
    }

    /// Terminal state in heartbeat and alarm packets: info bits, voltage level, GSM signal, alarm, language.
    struct TerminalState {
        static let size = 5
        var info: UInt8
        /// 0 (none) … 6 (full); nil when the unit sends another scale (newer Concox firmware sends volts).
        var voltageLevel: Int?
        /// 0 (none) … 4 (strong); nil when out of that range.
        var gsmSignal: Int?
        var alarm: UInt8

        var armed: Bool { info & 0x01 != 0 }
        var ignition: Bool { info & 0x02 != 0 }
        var charging: Bool { info & 0x04 != 0 }
        /// The older alarm field inside the info byte (bits 3–5), used when the alarm byte is zero.
        var infoAlarm: UInt8 { (info >> 3) & 0x07 }
    }

    /// The IMEI of a login packet: 8 BCD bytes, 15 digits after a leading zero nibble.
    static func imei(_ content: ArraySlice<UInt8>) -> String? {
        guard content.count >= 8 else { return nil }
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        for b in content.prefix(8) {
            guard b >> 4 <= 9, b & 0x0F <= 9 else { return nil }
            digits.append(48 + (b >> 4))
            digits.append(48 + (b & 0x0F))
        }
        return String(decoding: digits.suffix(15), as: UTF8.self)
    }

    static func gps(_ content: ArraySlice<UInt8>, utcOffsetSeconds: Int) -> GPSBlock? {
        var r = ByteReader(content)
        guard let y = r.u8(), let mo = r.u8(), let d = r.u8(), let h = r.u8(), let mi = r.u8(), let s = r.u8(),
            let info = r.u8(), let latRaw = r.u32(), let lonRaw = r.u32(), let speed = r.u8(), let word = r.u16()
        else { return nil }
        var observedAt: Date?
        if y != 0 || mo != 0 || d != 0 {
            guard h < 24, mi < 60, s < 60,
                let days = CivilDate.days(year: 2000 + Int(y), month: Int(mo), day: Int(d))
            else { return nil }
            let local = days * 86_400 + Int(h) * 3600 + Int(mi) * 60 + Int(s)
            observedAt = Date(timeIntervalSince1970: Double(local - utcOffsetSeconds))
        }
        var lat = Double(latRaw) / 1_800_000
        var lon = Double(lonRaw) / 1_800_000
        guard lat <= 90, lon <= 180 else { return nil }
        if word & 0x0400 == 0 { lat = -lat }
        if word & 0x0800 != 0 { lon = -lon }
        return GPSBlock(
            observedAt: observedAt, satellites: Int(info & 0x0F), lat: lat, lon: lon, speedKmh: Double(speed),
            courseDeg: Double(word & 0x03FF), positioned: word & 0x1000 != 0)
    }

    static func terminalState(_ bytes: ArraySlice<UInt8>) -> TerminalState? {
        guard bytes.count >= TerminalState.size else { return nil }
        let s = bytes.startIndex
        let voltage = Int(bytes[s + 1]), gsm = Int(bytes[s + 2])
        return TerminalState(
            info: bytes[s], voltageLevel: voltage <= 6 ? voltage : nil, gsmSignal: gsm <= 4 ? gsm : nil,
            alarm: bytes[s + 3])
    }

    /// The terminal state after the GPS and LBS blocks of an alarm packet (0x16, 0x26). The LBS block
    /// starts with its own length, that byte included.
    static func alarmState(_ content: ArraySlice<UInt8>) -> TerminalState? {
        guard content.count > GPSBlock.size else { return nil }
        let lbsLength = Int(content[content.startIndex + GPSBlock.size])
        let at = content.startIndex + GPSBlock.size + max(lbsLength, 1)
        guard at < content.endIndex else { return nil }
        return terminalState(content[at...])
    }

    /// What an alarm code means for a seal, or which tracker alarm it is. Codes 0x00–0x06 are the
    /// GT06 specification's; 0x09, 0x0E, 0x0F, 0x13, 0x14 and 0x19 are the Concox extensions e-seals use.
    enum Alarm: Equatable {
        case none
        case seal(SealStatus.Status)
        case tracker(String)
    }

    static func alarm(code: UInt8) -> Alarm {
        switch code {
        case 0x00: .none
        case 0x01: .tracker("sos")
        case 0x02: .tracker("power-cut")
        case 0x03: .seal(.shock)
        case 0x04: .tracker("geofence-enter")
        case 0x05: .tracker("geofence-exit")
        case 0x06: .tracker("overspeed")
        case 0x09: .tracker("displacement")
        case 0x0E, 0x0F, 0x19: .seal(.lowBattery)
        case 0x13: .seal(.tampered)
        case 0x14: .seal(.opened)
        default: .tracker("code-0x" + Hex.encode([code]))
        }
    }

    /// The older 3-bit alarm inside the terminal info byte.
    static func alarm(infoBits: UInt8) -> Alarm {
        switch infoBits {
        case 1: .seal(.shock)
        case 2: .tracker("power-cut")
        case 3: .seal(.lowBattery)
        case 4: .tracker("sos")
        default: .none
        }
    }
}
