/// One NMEA 0183 sentence, `$GPRMC,…*hh`, checked and split into fields without copying: fields are
/// offsets into the line's bytes, read through a pointer.
///
/// A sentence lives only inside `NMEASentence.parsing`'s body: it points into bytes it does not own
/// (no reference counting and no bounds check per byte on a path every line takes), and is never kept.
struct NMEASentence {
    enum ParseError: Error, Equatable {
        /// No `$`/`!` start or no fields: not NMEA at all.
        case garbage
        /// No `*hh` checksum, or one that does not match: the sentence cannot be trusted.
        case checksum
    }

    /// The bytes between the start character and `*`.
    let body: UnsafeBufferPointer<UInt8>
    /// Where each comma-separated field of `body` ends; field 0 is the address (`GPRMC`). Split only
    /// for the types the fix assembler reads (`splitting`): the others need their address alone.
    let fields: NMEAFieldEnds
    /// Two-letter talker (`GP`, `GN`, `GL`, `GA`, `GB`, `BD`, …); empty for proprietary sentences.
    let talker: String
    /// Sentence type (`RMC`), or the whole address of a proprietary sentence (`PGRME`).
    let type: String

    /// Parses a line without its CR LF and hands the sentence to `body`, or throws. Noise before the
    /// last start character is ignored, because a receiver that drops bytes leaves the tail of one
    /// sentence in front of the next. `splitting` says which sentence types need their fields.
    static func parsing<R>(
        _ line: ArraySlice<UInt8>, splitting: (String) -> Bool, _ body: (NMEASentence) -> R
    ) throws(ParseError) -> R {
        let parsed: Result<R, ParseError> = line.withUnsafeBufferPointer { b in
            switch parse(b, splitting: splitting) {
            case .success(let sentence): .success(body(sentence))
            case .failure(let e): .failure(e)
            }
        }
        return try parsed.get()
    }

    private static func parse(_ line: UnsafeBufferPointer<UInt8>, splitting: (String) -> Bool) -> Result<NMEASentence, ParseError> {
        let checked = checksummed(line)
        guard case .valid(let start, let star) = checked else {
            return .failure(checked == .noStart ? .garbage : .checksum)
        }
        let body = UnsafeBufferPointer(rebasing: line[(start + 1)..<star])
        var addressEnd = 0
        while addressEnd < body.count, body[addressEnd] != UInt8(ascii: ",") { addressEnd += 1 }
        let address = UnsafeBufferPointer(rebasing: body[..<addressEnd])
        guard !address.isEmpty, address.count <= 8, address.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) })
        else { return .failure(.garbage) }
        let talker: String
        let type: String
        if address[0] == UInt8(ascii: "P") || address.count != 5 {
            talker = ""
            type = String(decoding: address, as: UTF8.self)
        } else {
            talker = String(decoding: UnsafeBufferPointer(rebasing: address[..<2]), as: UTF8.self)
            type = String(decoding: UnsafeBufferPointer(rebasing: address[2...]), as: UTF8.self)
        }
        let fields = splitting(type) ? NMEAFieldEnds(body) : NMEAFieldEnds(addressOnly: body, end: addressEnd)
        return .success(NMEASentence(body: body, fields: fields, talker: talker, type: type))
    }

    /// Field `i`'s bytes; empty when the sentence is shorter (older receivers omit trailing fields).
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let r = i < fields.count ? fields.range(i, in: body) : body.count..<body.count
        return UnsafeBufferPointer(rebasing: body[r])
    }

    /// Field `i` when it is a single character.
    func char(_ i: Int) -> UInt8? {
        let f = field(i)
        return f.count == 1 ? f.first : nil
    }

    func decimal(_ i: Int) -> Double? { NMEANumber.decimal(field(i))?.value }

    func int(_ i: Int) -> Int? {
        let f = field(i)
        guard !f.isEmpty, f.count <= 9, f.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return f.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// A `ddmm.mmmm` (or `dddmm.mmmm`) field and its hemisphere as signed degrees; nil when either is
    /// missing or out of range.
    func coordinate(_ i: Int, positive: UInt8, negative: UInt8, maxDegrees: Int) -> Double? {
        guard let hemi = char(i + 1), hemi == positive || hemi == negative,
            let n = NMEANumber.decimal(field(i)), n.mantissa >= 0
        else { return nil }
        // Split degrees from minutes on the integers, so the minutes keep every digit the sentence gave.
        let unit = NMEANumber.powersOfTen[n.scale] * 100
        let degrees = n.mantissa / unit
        let minutes = Double(n.mantissa - degrees * unit) / Double(NMEANumber.powersOfTen[n.scale])
        guard degrees <= maxDegrees, minutes < 60 else { return nil }
        let value = Double(degrees) + minutes / 60
        guard value <= Double(maxDegrees) else { return nil }
        return hemi == negative ? -value : value
    }

    /// `hhmmss[.sss]` as milliseconds since midnight.
    func timeOfDay(_ i: Int) -> Int? {
        let f = field(i)
        guard f.count >= 6, let n = NMEANumber.decimal(f), n.mantissa >= 0 else { return nil }
        let scale = NMEANumber.powersOfTen[n.scale]
        let whole = Int(n.mantissa / scale)
        let h = whole / 10_000, m = whole / 100 % 100, s = whole % 100
        guard h < 24, m < 60, s < 61 else { return nil }
        let fractionMs = Int((n.mantissa % scale) * 1000 / scale)
        return (h * 3600 + m * 60 + s) * 1000 + fractionMs
    }

    /// `ddmmyy` as days since 1970-01-01. Two-digit years below 80 are 20xx (NMEA has no century).
    func date(_ i: Int) -> Int? {
        let f = field(i)
        guard f.count == 6, let v = int(i) else { return nil }
        let d = v / 10_000, m = v / 100 % 100, yy = v % 100
        return CivilDate.days(year: yy < 80 ? 2000 + yy : 1900 + yy, month: m, day: d)
    }

    private enum Checked: Equatable {
        case noStart
        case badChecksum
        /// Offsets of the start character and of `*`.
        case valid(start: Int, star: Int)
    }

    /// Finds the last start character and the `*hh` after it (trailing blanks allowed), and checks
    /// the XOR of the bytes between them.
    private static func checksummed(_ b: UnsafeBufferPointer<UInt8>) -> Checked {
        var start = b.count - 1
        while start >= 0, b[start] != UInt8(ascii: "$"), b[start] != UInt8(ascii: "!") { start -= 1 }
        guard start >= 0 else { return .noStart }
        var end = b.count
        while end > start, b[end - 1] == 32 || b[end - 1] == 9 { end -= 1 }
        var star = end - 1
        while star > start, b[star] != UInt8(ascii: "*") { star -= 1 }
        guard star > start, end - star == 3, let hi = hexValue(b[star + 1]), let lo = hexValue(b[star + 2]) else {
            return .badChecksum
        }
        var sum: UInt8 = 0
        for i in (start + 1)..<star { sum ^= b[i] }
        return sum == hi << 4 | lo ? .valid(start: start, star: star) : .badChecksum
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }
}
