/// Big-endian reads over a frame's bytes that return nil instead of trapping when the frame is short,
/// so a lying length field can never crash a decoder.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - index }

    mutating func u8() -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    /// An unsigned big-endian integer of `width` bytes (1…8).
    mutating func uint(_ width: Int) -> UInt64? {
        guard width >= 1, width <= 8, remaining >= width else { return nil }
        var v: UInt64 = 0
        for i in index..<(index + width) { v = v << 8 | UInt64(bytes[i]) }
        index += width
        return v
    }

    mutating func u16() -> Int? { uint(2).map { Int($0) } }
    mutating func u32() -> Int? { uint(4).map { Int($0) } }
    mutating func i16() -> Int? { uint(2).map { Int(Int16(bitPattern: UInt16($0))) } }
    mutating func i32() -> Int? { uint(4).map { Int(Int32(bitPattern: UInt32($0))) } }

    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, remaining >= n else { return nil }
        defer { index += n }
        return bytes[index..<(index + n)]
    }

    mutating func skip(_ n: Int) -> Bool { take(n) != nil }
}
