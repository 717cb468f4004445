/// CRC-24Q (Qualcomm), the check RTCM 3 frames carry: poly 0x1864CFB, init 0, not reflected, no final
/// XOR. Table-driven and updatable a byte at a time, so a frame can be checked while it is skipped.
public enum CRC24Q {
    public static func compute<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0
        for b in bytes { crc = update(crc, b) }
        return crc
    }

    /// `crc` after one more byte.
    @inline(__always)
    public static func update(_ crc: UInt32, _ b: UInt8) -> UInt32 {
        ((crc << 8) & 0xFF_FFFF) ^ table[Int(((crc >> 16) ^ UInt32(b)) & 0xFF)]
    }

    private static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i) << 16
        for _ in 0..<8 {
            c <<= 1
            if c & 0x100_0000 != 0 { c ^= 0x186_4CFB }
        }
        return c & 0xFF_FFFF
    }
}
