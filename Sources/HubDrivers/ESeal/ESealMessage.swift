import Foundation
import HubModel

/// One message of the ASCII e-seal protocol: comma-separated fields between `##` and `##`, a report
/// from the seal (`S`) or the hub's ack (`A`).
///
/// Report, seal to hub:
///
///     ##S,eSeal,<id>,<seq>,<event>,<time>,<lat>,<lon>,<battery>,E##
///
/// - `id`: the seal's number, 1–32 letters, digits, `-` or `_`; it names both the seal and the unit.
/// - `seq`: the seal's message counter, 0–65535; the ack echoes it so the seal can stop resending.
/// - `event`: `LOCK`, `UNLOCK`, `DOOR` (opened), `SHOCK`, `DROP` (a fall; reported as a shock),
///   `CUT` (rope or shackle cut), `TAMPER` (housing opened or removed), `LOWBAT`, `POS` (a position
///   report without a change of state) or `HB` (heartbeat).
/// - `time`: `YYYYMMDDhhmmss`, the seal's clock (UTC unless the profile's device says otherwise).
/// - `lat`, `lon`: signed decimal degrees (WGS84); both empty when the seal has no fix.
/// - `battery`: percent 0–100, empty when unknown.
///
/// Ack, hub to seal, for every well-formed report: `##A,eSeal,<id>,<seq>,E##` followed by CR LF.
/// The protocol has no checksum (it runs over TCP); a message that does not have exactly these fields
/// is rejected as malformed. Bytes between messages (the seal's CR LF) are ignored.
struct ESealMessage: Equatable {
    enum Event: String, CaseIterable {
        case lock = "LOCK", unlock = "UNLOCK", door = "DOOR", shock = "SHOCK", drop = "DROP", cut = "CUT"
        case tamper = "TAMPER", lowBattery = "LOWBAT", position = "POS", heartbeat = "HB"

        /// The seal condition an event reports; nil for position reports and heartbeats.
        var sealStatus: SealStatus.Status? {
            switch self {
            case .lock: .locked
            case .unlock: .unlocked
            case .door: .opened
            case .shock, .drop: .shock
            case .cut: .cut
            case .tamper: .tampered
            case .lowBattery: .lowBattery
            case .position, .heartbeat: nil
            }
        }
    }

    var id: String
    var sequence: Int
    /// The event word as sent; `event` is nil when the word is not one of the protocol's.
    var eventWord: String
    var event: Event?
    var observedAt: Date?
    var lat: Double?
    var lon: Double?
    var batteryPercent: Int?

    static let fieldCount = 10

    /// Where the next message ends, for `StreamFramer`.
    static func cut(_ b: ArraySlice<UInt8>) -> FrameCut {
        let s = b.startIndex
        let hash = UInt8(ascii: "#")
        guard b[s] == hash else { return .skip((b[(s + 1)...].firstIndex(of: hash) ?? b.endIndex) - s) }
        guard b.count >= 2 else { return .need(2) }
        guard b[s + 1] == hash else { return .skip(1) }
        // The next `##` either closes this message (`E##`) or opens another, which makes this one a
        // fragment to skip rather than swallow the message after it.
        var i = s + 2
        while i + 1 < b.endIndex {
            if b[i] == hash, b[i + 1] == hash {
                return b[i - 1] == UInt8(ascii: "E") && i > s + 2 ? .frame(i + 2 - s) : .skip(i - s)
            }
            i += 1
        }
        return .need(b.count + 1)
    }

    /// Parses a report frame (`##S,…,E##`); nil when it is not one.
    init?(_ frame: ArraySlice<UInt8>, utcOffsetSeconds: Int) {
        guard frame.count >= 7 else { return nil }
        let inner = frame[(frame.startIndex + 2)..<(frame.endIndex - 2)]
        let f = inner.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard f.count == Self.fieldCount, f[0].elementsEqual("S".utf8), f[1].elementsEqual("eSeal".utf8),
            f[9].elementsEqual("E".utf8), Self.isID(f[2]), let seq = Self.int(f[3]), seq <= 65_535,
            !f[4].isEmpty, f[4].count <= 16
        else { return nil }
        id = String(decoding: f[2], as: UTF8.self)
        sequence = seq
        eventWord = String(decoding: f[4], as: UTF8.self)
        event = Event(rawValue: eventWord)
        if f[5].isEmpty {
            observedAt = nil
        } else {
            guard let t = Self.time(f[5], utcOffsetSeconds: utcOffsetSeconds) else { return nil }
            observedAt = t
        }
        switch (f[6].isEmpty, f[7].isEmpty) {
        case (true, true):
            lat = nil
            lon = nil
        case (false, false):
            guard let la = Self.double(f[6]), let lo = Self.double(f[7]), GPSFix.isOnEarth(lat: la, lon: lo) else {
                return nil
            }
            lat = la
            lon = lo
        default: return nil
        }
        if f[8].isEmpty {
            batteryPercent = nil
        } else {
            guard let b = Self.int(f[8]), b <= 100 else { return nil }
            batteryPercent = b
        }
    }

    /// The ack for report `id`/`seq`.
    static func ack(id: String, sequence: Int) -> [UInt8] { Array("##A,eSeal,\(id),\(sequence),E##\r\n".utf8) }

    /// A report as a seal sends it (simulators and tests).
    static func report(
        id: String, sequence: Int, event: String, time: String, lat: String = "", lon: String = "",
        battery: String = ""
    ) -> [UInt8] {
        Array("##S,eSeal,\(id),\(sequence),\(event),\(time),\(lat),\(lon),\(battery),E##\r\n".utf8)
    }

    private static func isID(_ f: ArraySlice<UInt8>) -> Bool {
        (1...32).contains(f.count)
            && f.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 }
    }

    private static func int(_ f: ArraySlice<UInt8>) -> Int? {
        guard !f.isEmpty, f.count <= 9, f.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return f.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    private static func double(_ f: ArraySlice<UInt8>) -> Double? {
        guard f.count <= 16, f.allSatisfy({ (48...57).contains($0) || $0 == 45 || $0 == 46 }) else { return nil }
        return Double(String(decoding: f, as: UTF8.self))
    }

    private static func time(_ f: ArraySlice<UInt8>, utcOffsetSeconds: Int) -> Date? {
        guard f.count == 14, let _ = int(f.prefix(9)), let _ = int(f.suffix(5)) else { return nil }
        let d = Array(f).map { Int($0) - 48 }
        let num = { (a: Int, n: Int) in d[a..<(a + n)].reduce(0) { $0 * 10 + $1 } }
        let (y, mo, day, h, mi, s) = (num(0, 4), num(4, 2), num(6, 2), num(8, 2), num(10, 2), num(12, 2))
        guard h < 24, mi < 60, s < 60, let days = CivilDate.days(year: y, month: mo, day: day) else { return nil }
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + mi * 60 + s - utcOffsetSeconds))
    }
}
