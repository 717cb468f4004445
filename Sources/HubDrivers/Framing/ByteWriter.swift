/// Big-endian fields appended to a frame, the writing side of `ByteReader`, for the encoders.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func uint(_ v: UInt64, width: Int) {
        for i in stride(from: width - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
    mutating func u16(_ v: Int) { uint(UInt64(UInt16(truncatingIfNeeded: v)), width: 2) }
    mutating func u32(_ v: Int) { uint(UInt64(UInt32(truncatingIfNeeded: v)), width: 4) }
    mutating func i32(_ v: Int) { uint(UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: v))), width: 4) }
    mutating func append(_ b: [UInt8]) { bytes += b }
}
