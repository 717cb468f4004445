import Foundation

/// RFC 3339 timestamps in UTC with millisecond precision, the only form the hub writes.
///
/// Formatting is done with integer arithmetic because it runs once per event on the ingest path,
/// where `DateFormatter` would dominate the cost of a small frame.
public enum Timestamp {
    /// `2016-06-01T22:03:44.163Z`
    public static func format(_ date: Date) -> String {
        let f = Fields(date)
        guard f.fitsFourDigits else { return f.padded() }
        // Digits straight into the string's bytes: no intermediate strings per field.
        return String(unsafeUninitializedCapacity: 24) { buf in
            f.write(into: buf)
            return 24
        }
    }

    /// Appends `format(date)`'s UTF-8 bytes to `out` without making the string (event JSON lines).
    public static func append(_ date: Date, to out: inout [UInt8]) {
        let f = Fields(date)
        guard f.fitsFourDigits else { return out.append(contentsOf: f.padded().utf8) }
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, on the stack
        withUnsafeMutableBytes(of: &text) { raw in
            let buf = raw.bindMemory(to: UInt8.self)
            f.write(into: buf)
            out.append(contentsOf: buf)
        }
    }

    /// A date's UTC calendar fields at millisecond precision.
    private struct Fields {
        var y, m, d, h, mi, s, ms: Int64

        init(_ date: Date) {
            let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded())
            var days = totalMs / 86_400_000
            var msOfDay = totalMs % 86_400_000
            if msOfDay < 0 {
                msOfDay += 86_400_000
                days -= 1
            }
            (y, m, d) = Timestamp.civilDate(daysSinceEpoch: days)
            h = msOfDay / 3_600_000
            mi = (msOfDay / 60_000) % 60
            s = (msOfDay / 1000) % 60
            ms = msOfDay % 1000
        }

        var fitsFourDigits: Bool { (0...9999).contains(y) }

        /// The 24 bytes of the text (years 0-9999 only).
        func write(into buf: UnsafeMutableBufferPointer<UInt8>) {
            func put(_ value: Int64, _ width: Int, at start: Int) {
                var v = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    buf[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
            }
            put(y, 4, at: 0)
            put(m, 2, at: 5)
            put(d, 2, at: 8)
            put(h, 2, at: 11)
            put(mi, 2, at: 14)
            put(s, 2, at: 17)
            put(ms, 3, at: 20)
            buf[4] = UInt8(ascii: "-")
            buf[7] = UInt8(ascii: "-")
            buf[10] = UInt8(ascii: "T")
            buf[13] = UInt8(ascii: ":")
            buf[16] = UInt8(ascii: ":")
            buf[19] = UInt8(ascii: ".")
            buf[23] = UInt8(ascii: "Z")
        }

        /// The text for years outside 0-9999 (a device clock gone wrong), as it always was.
        func padded() -> String {
            var out = ""
            out.reserveCapacity(24)
            out += Timestamp.pad(y, 4) + "-" + Timestamp.pad(m, 2) + "-" + Timestamp.pad(d, 2)
            out += "T" + Timestamp.pad(h, 2) + ":" + Timestamp.pad(mi, 2) + ":" + Timestamp.pad(s, 2) + "." + Timestamp.pad(ms, 3) + "Z"
            return out
        }
    }

    /// Parses RFC 3339 (`Z` or `±hh:mm` offsets, optional fraction); nil when it is not one.
    public static func parse(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= u.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45, let d = num(8, 2),
            u[10] == 84 || u[10] == 116 || u[10] == 32, let h = num(11, 2), u[13] == 58, let mi = num(14, 2),
            u[16] == 58, let s = num(17, 2)
        else { return nil }
        // 60 seconds is a leap second, which RFC 3339 allows.
        guard (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        // The fraction is kept as an integer over a power of ten so that a formatted time parses
        // back to the identical Date.
        var fraction: Int64 = 0
        var scale: Int64 = 1
        if i < u.count, u[i] == 46 {
            i += 1
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                if scale < 1_000_000_000 {
                    fraction = fraction * 10 + Int64(u[i] - 48)
                    scale *= 10
                }
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        var offsetSeconds = 0
        if u[i] == 90 || u[i] == 122 {
            i += 1
        } else if u[i] == 43 || u[i] == 45 {
            // RFC 3339's grammar: hours 00-23, minutes 00-59. Zones in use span -12:00 to +14:00, but any
            // offset the grammar allows still names one exact instant, so none of them is refused.
            guard let oh = num(i + 1, 2), i + 3 < u.count, u[i + 3] == 58, let om = num(i + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (u[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        let days = daysSinceEpoch(year: y, month: mo, day: d)
        let whole = Int64(days * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds)
        // Far from 1970 (a device that says year 0026) the exact form overflows; such a time needs
        // no exact round trip, only not to crash.
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        let (exact, overflowAgain) = scaled.addingReportingOverflow(fraction)
        if overflow || overflowAgain {
            return Date(timeIntervalSince1970: Double(whole) + Double(fraction) / Double(scale))
        }
        return Date(timeIntervalSince1970: Double(exact) / Double(scale))
    }

    /// Days in `month` (1-12) of `year` in the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's days-from-civil method).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month and day of a day number since 1970-01-01 (Hinnant's civil-from-days), the inverse
    /// of `daysSinceEpoch`; device encoders write their date fields with it.
    public static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    fileprivate static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
