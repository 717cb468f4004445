/// An ISO 6346 freight container number: owner code (3 letters), category (U, J or Z), a 6-digit
/// serial number and a check digit.
public struct ContainerNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The normalized 11-character form, e.g. `CSQU3054383`.
    public let value: String

    public var description: String { value }

    /// Why a text is not a valid container number.
    public enum Problem: String, Sendable, Codable, Error {
        case empty
        case length
        case format
        case categoryLetter = "category letter"
        case checkDigit = "check digit"
    }

    /// Parses a container number as people and cameras write it: case, spaces, dashes and dots are
    /// ignored; anything else must be exact.
    public static func parse(_ text: String) -> Result<ContainerNumber, Problem> {
        var chars: [UInt8] = []
        chars.reserveCapacity(11)
        for c in text.utf8 {
            switch c {
            case 32, 9, 45, 46, 47: continue  // space, tab, dash, dot, slash: separators as printed on doors
            case 97...122: chars.append(c - 32)
            default: chars.append(c)
            }
        }
        if chars.isEmpty { return .failure(.empty) }
        if chars.count != 11 { return .failure(.length) }
        for i in 0..<3 where !isLetter(chars[i]) { return .failure(.format) }
        guard isLetter(chars[3]) else { return .failure(.format) }
        for i in 4..<11 where !isDigit(chars[i]) { return .failure(.format) }
        guard chars[3] == 85 || chars[3] == 74 || chars[3] == 90 else { return .failure(.categoryLetter) }
        guard let check = checkDigit(chars[0..<10]), check == chars[10] - 48 else { return .failure(.checkDigit) }
        return .success(ContainerNumber(unchecked: String(decoding: chars, as: UTF8.self)))
    }

    /// A valid number from text, or nil.
    public init?(_ text: String) {
        guard case .success(let n) = Self.parse(text) else { return nil }
        self = n
    }

    private init(unchecked: String) { value = unchecked }

    /// The check digit for the first ten characters (owner, category, serial), or nil if any is not
    /// a letter or digit where one belongs.
    public static func checkDigit<C: Collection<UInt8>>(_ first10: C) -> UInt8? {
        guard first10.count == 10 else { return nil }
        var sum = 0
        var weight = 1
        for c in first10 {
            guard let v = letterOrDigitValue(c) else { return nil }
            sum += v * weight
            weight *= 2
        }
        return UInt8(sum % 11 % 10)
    }

    /// Valid numbers one common misread away (O/0, I/1, S/5, B/8, Z/2, G/6, …): what an OCR camera
    /// most likely saw when the text it read fails the check.
    public static func candidates(for text: String) -> [ContainerNumber] {
        var chars: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case 32, 9, 45, 46, 47: continue
            case 97...122: chars.append(c - 32)
            default: chars.append(c)
            }
        }
        guard chars.count == 11 else { return [] }
        if let valid = ContainerNumber(String(decoding: chars, as: UTF8.self)) { return [valid] }
        var found: [ContainerNumber] = []
        // The check digit itself may be the misread character.
        if let check = checkDigit(chars[0..<10]) {
            let fixed = String(decoding: chars[0..<10], as: UTF8.self) + String(check)
            if let n = ContainerNumber(fixed) { found.append(n) }
        }
        for i in 0..<11 {
            for alt in confusions[chars[i]] ?? [] {
                var copy = chars
                copy[i] = alt
                if let n = ContainerNumber(String(decoding: copy, as: UTF8.self)), !found.contains(n) {
                    found.append(n)
                }
            }
        }
        return found
    }

    private static let confusions: [UInt8: [UInt8]] = {
        let pairs: [(Character, Character)] = [
            ("O", "0"), ("D", "0"), ("Q", "0"), ("I", "1"), ("L", "1"), ("T", "1"), ("Z", "2"), ("S", "5"),
            ("B", "8"), ("G", "6"), ("A", "4"), ("E", "3"), ("U", "V"), ("J", "U"), ("M", "N"), ("C", "G"),
            ("3", "8"), ("6", "8"), ("5", "6"), ("1", "7"), ("0", "8"), ("9", "8"),
        ]
        var map: [UInt8: [UInt8]] = [:]
        for (a, b) in pairs {
            let x = a.asciiValue!, y = b.asciiValue!
            map[x, default: []].append(y)
            map[y, default: []].append(x)
        }
        return map
    }()

    private static func isLetter(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// ISO 6346 values: digits as themselves, letters from A=10 upward skipping multiples of 11.
    private static func letterOrDigitValue(_ c: UInt8) -> Int? {
        if isDigit(c) { return Int(c - 48) }
        guard isLetter(c) else { return nil }
        var v = 10
        var letter: UInt8 = 65
        while letter < c {
            v += 1
            if v % 11 == 0 { v += 1 }
            letter += 1
        }
        return v
    }
}
