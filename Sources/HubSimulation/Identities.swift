import HubModel

/// Container numbers and plates for simulated vehicles: valid ISO 6346 numbers whose owner codes
/// hold letters cameras confuse with digits, so misreads have something to bite on.
public enum Identities {
    public static let owners = ["CSQU", "MSKU", "OOLU", "TGHU", "BMOU", "SEGU", "ZIMU", "TCLU"]

    public static func container(_ rng: inout SeededRandom) -> String {
        let owner = owners[Int.random(in: 0..<owners.count, using: &rng)]
        let serial = (0..<6).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        let first10 = owner + serial
        return first10 + String(ContainerNumber.checkDigit(Array(first10.utf8))!)
    }

    /// A Vietnamese-style truck plate, `51C-123.45`.
    public static func plate(_ rng: inout SeededRandom) -> String {
        let province = Int.random(in: 11...99, using: &rng)
        let series = ["C", "D", "H", "LD"][Int.random(in: 0..<4, using: &rng)]
        let n = Int.random(in: 0..<100_000, using: &rng)
        return "\(province)\(series)-\(n / 100 / 10 % 10)\(n / 100 % 10)\(n / 1000 % 10).\(n % 100 / 10)\(n % 10)"
    }

    /// 15-digit IMEIs, one per simulated unit: `base` plus `index`.
    public static func imei(base: UInt64, index: Int) -> String {
        let s = String(base + UInt64(index))
        return String(repeating: "0", count: max(0, 15 - s.count)) + s
    }
}

/// The confusions a gate camera makes most, letter for digit and back.
public enum Misread {
    public static let pairs: [Character: Character] = [
        "O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z", "G": "6", "6": "G",
    ]

    /// `text` with one confusable character swapped, and where; nil when none is confusable.
    public static func apply(_ text: String, _ rng: inout SeededRandom) -> (text: String, at: Int)? {
        var chars = Array(text)
        // The check digit is left alone: a camera that misreads it leaves nothing to repair by.
        let spots = chars.indices.dropLast().filter { pairs[chars[$0]] != nil }
        guard let at = spots.randomElement(using: &rng) else { return nil }
        chars[at] = pairs[chars[at]]!
        return (String(chars), at)
    }
}
