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

    init(_ body: UnsafeBufferPointer<UInt8>) {
        var count = 1
        var kept = 0
        let storable = body.count <= Int(UInt16.max)
        var ends: Table = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &ends) { raw in
            let table = raw.bindMemory(to: UInt16.self)
            for i in 0..<body.count where body[i] == UInt8(ascii: ",") {
                if storable, kept < Self.inlineCount {
                    table[kept] = UInt16(truncatingIfNeeded: i)
                    kept += 1
                }
                count += 1
            }
            // The last field ends at the end of the body.
            if storable, kept < Self.inlineCount {
                table[kept] = UInt16(truncatingIfNeeded: body.count)
                kept += 1
            }
        }
        self.count = count
        self.kept = kept
        self.ends = ends
    }

    /// The address field alone (ending at `end`), for a sentence whose other fields nobody reads
    /// (a type the assembler only counts): fields past it read as absent.
    init(addressOnly body: UnsafeBufferPointer<UInt8>, end: Int) {
        var ends: Table = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &ends) { $0.bindMemory(to: UInt16.self)[0] = UInt16(truncatingIfNeeded: end) }
        count = 1
        kept = body.count <= Int(UInt16.max) ? 1 : 0
        self.ends = ends
    }

    /// Field `i`'s offsets in `body` (`i < count`).
    func range(_ i: Int, in body: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        if i < kept {
            return withUnsafeBytes(of: ends) { raw in
                let table = raw.bindMemory(to: UInt16.self)
                return (i == 0 ? 0 : Int(table[i - 1]) + 1)..<Int(table[i])
            }
        }
        // Past the kept fields: count commas from the end of the last kept one.
        var field = kept
        var start = kept == 0 ? 0 : range(kept - 1, in: body).upperBound + 1
        var j = start
        while j < body.count {
            if body[j] == UInt8(ascii: ",") {
                if field == i { return start..<j }
                field += 1
                start = j + 1
            }
            j += 1
        }
        return start..<body.count
    }
}
