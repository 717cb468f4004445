import Foundation
import HubModel

/// One line of the Rapiscan-style portal monitor protocol: a code (`GS`, `NB`, `SG1`, …) and its
/// comma-separated fields, e.g. `GS,000079,000071,000096,000069`.
///
/// Recorded feeds (such as the Rapiscan Labs samples) append the recorder's timestamp as a last
/// column, `2016-06-01 15:05:00.584 -07`; it is split off into `timestamp`.
public struct RapiscanLine: Sendable, Equatable {
    public var code: String
    public var fields: [String]
    public var timestamp: Date?

    public init(code: String, fields: [String], timestamp: Date? = nil) {
        self.code = code
        self.fields = fields
        self.timestamp = timestamp
    }

    /// Parses a line without its terminator; nil when it does not have the protocol's shape
    /// (a code of two capital letters and an optional digit or letter, then fields).
    public static func parse(_ content: ArraySlice<UInt8>, utcOffsetSeconds: Int = 0) -> RapiscanLine? {
        var parts: [String]
        if content.allSatisfy({ $0 < 0x80 }) {
            parts = asciiFields(content)
        } else {
            guard let text = String(validating: content, as: UTF8.self) else { return nil }
            parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
        guard let code = parts.first, isCode(code) else { return nil }
        parts.removeFirst()
        var timestamp: Date?
        if let last = parts.last, let t = parseRecorderTimestamp(last, utcOffsetSeconds: utcOffsetSeconds) {
            timestamp = t
            parts.removeLast()
        }
        return RapiscanLine(code: code, fields: parts, timestamp: timestamp)
    }

    /// The comma-separated fields of an ASCII line, each without the spaces and tabs around it: what
    /// splitting its text and trimming `.whitespaces` gives (in ASCII those are the only two), cut on
    /// the bytes. Every monitor's line is ASCII, and Foundation's trimming was most of the driver's time
    /// on a portal's lines (`perf`, the alarm benchmark).
    static func asciiFields(_ content: ArraySlice<UInt8>) -> [String] {
        var out: [String] = []
        out.reserveCapacity(6)
        var start = content.startIndex
        while true {
            let end = content[start...].firstIndex(of: 44) ?? content.endIndex
            var a = start, b = end
            while a < b, content[a] == 32 || content[a] == 9 { a += 1 }
            while b > a, content[b - 1] == 32 || content[b - 1] == 9 { b -= 1 }
            out.append(String(decoding: content[a..<b], as: UTF8.self))
            guard end < content.endIndex else { return out }
            start = end + 1
        }
    }

    /// The line as a monitor sends it, CR LF included.
    public func encoded() -> [UInt8] {
        var s = code
        for f in fields { s += "," + f }
        return Array((s + "\r\n").utf8)
    }

    /// Counts as the monitor formats them: six digits, zero-padded.
    public static func countField(_ value: Int) -> String {
        let s = String(max(0, min(value, 999_999)))
        return String(repeating: "0", count: 6 - s.count) + s
    }

    /// The fields as non-negative integers, or nil if any is not one.
    public func integerFields() -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(fields.count)
        for f in fields {
            guard !f.isEmpty, f.utf8.count <= 9, f.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int(f) else {
                return nil
            }
            out.append(v)
        }
        return out
    }

    static func isCode(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 2 || u.count == 3 else { return false }
        guard (65...90).contains(u[0]), (65...90).contains(u[1]) else { return false }
        return u.count == 2 || (48...57).contains(u[2]) || (65...90).contains(u[2])
    }

    /// `YYYY-MM-DD HH:MM:SS[.fff] [±HH[MM]]`; without an offset the device's own zone applies.
    static func parseRecorderTimestamp(_ s: String, utcOffsetSeconds: Int) -> Date? {
        let u = Array(s.utf8)
        guard u.count >= 19, u[4] == 45, u[7] == 45, u[10] == 32 || u[10] == 84, u[13] == 58, u[16] == 58 else {
            return nil
        }
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= u.count else { return nil }
            var v = 0
            for i in a..<(a + n) {
                guard (48...57).contains(u[i]) else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let sec = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61
        else { return nil }
        var i = 19
        var frac = 0.0
        if i < u.count, u[i] == 46 {
            i += 1
            var scale = 0.1
            while i < u.count, (48...57).contains(u[i]) {
                frac += Double(u[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = utcOffsetSeconds
        while i < u.count, u[i] == 32 { i += 1 }
        if i < u.count {
            guard u[i] == 43 || u[i] == 45, let oh = num(i + 1, 2) else { return nil }
            var om = 0
            var j = i + 3
            if j < u.count, u[j] == 58 { j += 1 }
            if j < u.count {
                guard let m = num(j, 2), j + 2 == u.count else { return nil }
                om = m
            }
            offset = (oh * 3600 + om * 60) * (u[i] == 45 ? -1 : 1)
        }
        let days = Timestamp.daysSinceEpoch(year: y, month: mo, day: d)
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + mi * 60 + sec - offset) + frac)
    }
}
