/// Number fields of NMEA sentences, read straight from the bytes.
enum NMEANumber {
    /// A decimal field as an integer mantissa over 10^scale, so callers can split it exactly.
    struct Decimal {
        var mantissa: Int64
        var scale: Int
        var value: Double { Double(mantissa) / Double(NMEANumber.powersOfTen[scale]) }
    }

    static let powersOfTen: [Int64] = (0...15).map { p in (0..<p).reduce(Int64(1)) { v, _ in v * 10 } }

    /// `[-]ddd[.ddd]`; nil when empty, not a number, or more digits than a Double holds exactly.
    static func decimal(_ f: UnsafeBufferPointer<UInt8>) -> Decimal? {
        var i = f.startIndex
        var negative = false
        if i < f.endIndex, f[i] == UInt8(ascii: "-") || f[i] == UInt8(ascii: "+") {
            negative = f[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: Int64 = 0
        var digits = 0
        var scale = 0
        var seenPoint = false
        while i < f.endIndex {
            let c = f[i]
            if c == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if c >= 48, c <= 57 {
                digits += 1
                guard digits <= 15 else { return nil }
                mantissa = mantissa * 10 + Int64(c - 48)
                if seenPoint { scale += 1 }
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        return Decimal(mantissa: negative ? -mantissa : mantissa, scale: scale)
    }
}
