import Foundation
import HubModel

/// The value syntaxes of N42 documents: xs:dateTime, xs:duration, number lists and CountedZeroes.
/// Real instruments bend them; each parser says what it had to accept so the event can flag it.
public enum N42Values {
    /// Channels never expand past this: a CountedZeroes run of a billion zeros is an attack or noise,
    /// not a spectrum (the largest real spectra have 65 536 channels).
    public static let maxChannels = 1 << 20

    /// Parses an xs:dateTime. Accepts `Z`, `±hh:mm`, and the non-standard `±hhmm` and `±hh` (Kromek D3S
    /// writes `-0500`), and a time without a zone (then `utcOffsetSeconds` applies). `bent` names what
    /// was accepted beyond the standard.
    public static func dateTime(_ text: String, utcOffsetSeconds: Int = 0) -> (date: Date, bent: String?)? {
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let d = Timestamp.parse(s) { return (d, nil) }
        let u = Array(s.utf8)
        guard u.count >= 19 else { return nil }
        // Find where the zone starts: after the seconds and an optional fraction.
        var i = 19
        if i < u.count, u[i] == 46 {
            i += 1
            while i < u.count, (48...57).contains(u[i]) { i += 1 }
        }
        let head = String(decoding: u[..<i], as: UTF8.self)
        let zone = Array(u[i...])
        if zone.isEmpty {
            guard let d = Timestamp.parse(head + "Z") else { return nil }
            return (d.addingTimeInterval(-Double(utcOffsetSeconds)), "time without zone")
        }
        guard zone[0] == 43 || zone[0] == 45, zone.dropFirst().allSatisfy({ (48...57).contains($0) }),
            zone.count == 5 || zone.count == 3
        else { return nil }
        let digits = String(decoding: zone.dropFirst(), as: UTF8.self)
        let hh = digits.prefix(2), mm = zone.count == 5 ? digits.suffix(2) : "00"
        guard let d = Timestamp.parse(head + String(UnicodeScalar(zone[0])) + hh + ":" + mm) else { return nil }
        return (d, "time offset without colon")
    }

    /// Parses an xs:duration (`PT300.865173S`, `PT1M5S`, `P1DT2H`) into seconds; bare seconds
    /// (`300.5`), as some 2006 writers put them, are accepted too.
    public static func duration(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let v = Double(s), v.isFinite, v >= 0 { return v }
        var u = Substring(s)
        var sign = 1.0
        if u.first == "-" {
            sign = -1
            u = u.dropFirst()
        }
        guard u.first == "P" else { return nil }
        u = u.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawField = false
        for c in u {
            if c == "T" {
                guard number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if c.isNumber || c == "." {
                number.append(c)
                continue
            }
            guard let v = Double(number), v.isFinite else { return nil }
            number = ""
            sawField = true
            switch (c, inTime) {
            case ("Y", false): total += v * 365 * 86_400
            case ("M", false): total += v * 30 * 86_400
            case ("D", false): total += v * 86_400
            case ("H", true): total += v * 3600
            case ("M", true): total += v * 60
            case ("S", true): total += v
            default: return nil
            }
        }
        guard number.isEmpty, sawField, total.isFinite else { return nil }
        return sign * total
    }

    /// Whitespace-separated numbers; nil when any is not a finite number.
    public static func numbers(_ text: some StringProtocol) -> [Double]? {
        var out: [Double] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "," }) {
            guard let v = Double(part), v.isFinite else { return nil }
            out.append(v)
        }
        return out
    }

    /// Expands CountedZeroes: a `0` followed by n stands for n zero channels. Nil when the data is
    /// malformed (a trailing `0`, a non-integral or negative run) or would exceed `maxChannels`.
    public static func expandCountedZeroes(_ values: [Double]) -> [Double]? {
        var out: [Double] = []
        out.reserveCapacity(values.count)
        var i = 0
        while i < values.count {
            let v = values[i]
            if v == 0 {
                guard i + 1 < values.count else { return nil }
                let n = values[i + 1]
                guard n >= 0, n == n.rounded(), out.count + Int(n) <= maxChannels else { return nil }
                out.append(contentsOf: repeatElement(0, count: Int(n)))
                i += 2
            } else {
                out.append(v)
                i += 1
            }
            if out.count > maxChannels { return nil }
        }
        return out
    }

    /// A dose rate in µSv/h from a value and the unit the document names (N42 2012 fixes µSv/h;
    /// 2006 says `uSv`, `uGy`, `mR`, `nSv`, per hour). Gray is taken as sievert, as for gamma.
    public static func doseRateUSvH(_ value: Double, units: String?) -> Double? {
        guard value.isFinite else { return nil }
        let u = (units ?? "uSv").lowercased().replacingOccurrences(of: "µ", with: "u")
            .replacingOccurrences(of: "/h", with: "").replacingOccurrences(of: "/hr", with: "")
        switch u {
        case "usv", "ugy", "usvh", "ugyh", "": return value
        case "nsv", "ngy": return value / 1000
        case "msv", "mgy": return value * 1000
        case "mr", "mrem": return value * 10
        case "ur", "urem": return value / 100
        default: return nil
        }
    }
}
