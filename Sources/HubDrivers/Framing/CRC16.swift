/// The two CRC-16 variants the tracker protocols use. Both are the reflected 0x8005/0x1021 families,
/// computed with a 256-entry table because every tracker frame is checked on the ingest path.
public enum CRC16 {
    /// CRC-16/X-25 (GT06/Concox): poly 0x1021 reflected, init 0xFFFF, final XOR 0xFFFF.
    public static func x25<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0xFFFF
        for b in bytes { crc = (crc >> 8) ^ x25Table[Int((crc ^ UInt16(b)) & 0xFF)] }
        return crc ^ 0xFFFF
    }

    /// CRC-16/ARC, also called CRC-16/IBM (Teltonika): poly 0x8005 reflected, init 0, no final XOR.
    public static func arc<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0
        for b in bytes { crc = (crc >> 8) ^ arcTable[Int((crc ^ UInt16(b)) & 0xFF)] }
        return crc
    }

    private static let x25Table = table(reflectedPoly: 0x8408)
    private static let arcTable = table(reflectedPoly: 0xA001)

    private static func table(reflectedPoly: UInt16) -> [UInt16] {
        (0..<256).map { i in
            var c = UInt16(i)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ reflectedPoly : c >> 1 }
            return c
        }
    }
}
