/// The comma-separated fields of a sentence body, as the offset where each ends. The first
/// `inlineCount` are kept inline in the value (two bytes each), so splitting a sentence allocates
/// nothing: a sentence is split for every line a receiver sends, and the fields the hub reads are
/// all among the first 20. Fields past those are found by scanning from the last one kept.
struct NMEAFieldEnds {
    static let inlineCount = 32

    /// How many fields the body has (commas + 1).
    let count: Int
    /// Fields whose end offset is kept (`min(count, inlineCount)`, or 0 for a body too long for
    /// two-byte offsets, which no sentence under the framer's limit is).
    private let kept: Int
    /// `inlineCount` UInt16 end offsets.
    private let ends: Table
    private typealias Table = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    init(_ body: ArraySlice<UInt8>) {
        var count = 1
        var kept = 0
        let storable = body.count <= Int(UInt16.max)
        var ends: Table = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &ends) { raw in
            let table = raw.bindMemory(to: UInt16.self)
            body.withUnsafeBufferPointer { b in
                for i in 0..<b.count where b[i] == UInt8(ascii: ",") {
                    if storable, kept < Self.inlineCount {
                        table[kept] = UInt16(truncatingIfNeeded: i)
                        kept += 1
                    }
                    count += 1
                }
                // The last field ends at the end of the body.
                if storable, kept < Self.inlineCount {
                    table[kept] = UInt16(truncatingIfNeeded: b.count)
                    kept += 1
                }
            }
        }
        self.count = count
        self.kept = kept
        self.ends = ends
    }

    /// Field `i`'s indices in `body` (`i < count`).
    func range(_ i: Int, in body: ArraySlice<UInt8>) -> Range<Int> {
        let base = body.startIndex
        if i < kept {
            let (start, end) = withUnsafeBytes(of: ends) { raw in
                let table = raw.bindMemory(to: UInt16.self)
                return (i == 0 ? 0 : Int(table[i - 1]) + 1, Int(table[i]))
            }
            return (base + start)..<(base + end)
        }
        // Past the kept fields: count commas from the end of the last kept one.
        var field = kept
        var start = kept == 0 ? base : range(kept - 1, in: body).upperBound + 1
        var j = start
        while j < body.endIndex {
            if body[j] == UInt8(ascii: ",") {
                if field == i { return start..<j }
                field += 1
                start = j + 1
            }
            j += 1
        }
        return start..<body.endIndex
    }
}
