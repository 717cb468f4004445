/// The two frames a Teltonika unit sends over TCP: the IMEI handshake (two-byte length, then the IMEI
/// in ASCII digits) and the AVL data packet (`00000000`, four-byte data length, codec … N2, then a
/// four-byte CRC whose low half is CRC-16/ARC over the data).
enum TeltonikaFrame {
    case imei(String)
    case avl(codec: UInt8, data: ArraySlice<UInt8>, crcValid: Bool)

    /// IMEIs are 15 digits; a little room is left for units that pad or shorten them.
    static let maxIMEIDigits = 20

    static func cut(_ b: ArraySlice<UInt8>) -> FrameCut {
        let s = b.startIndex
        guard b.count >= 2 else { return b[s] == 0 ? .need(2) : .skip(1) }
        if b[s] == 0, b[s + 1] == 0 {
            guard b.count >= 8 else { return .need(8) }
            guard b[s + 2] == 0, b[s + 3] == 0 else { return .skip(1) }
            let length = Int(b[s + 4]) << 24 | Int(b[s + 5]) << 16 | Int(b[s + 6]) << 8 | Int(b[s + 7])
            // Codec, N1 and N2 at least.
            guard length >= 3 else { return .skip(1) }
            let total = 12 + length
            return b.count >= total ? .frame(total) : .need(total)
        }
        let digits = Int(b[s]) << 8 | Int(b[s + 1])
        guard digits >= 1, digits <= maxIMEIDigits else { return .skip(1) }
        guard b.count >= 2 + digits else { return .need(2 + digits) }
        guard b[(s + 2)..<(s + 2 + digits)].allSatisfy({ (48...57).contains($0) }) else { return .skip(1) }
        return .frame(2 + digits)
    }

    /// A frame `cut` has delimited.
    init(_ frame: ArraySlice<UInt8>) {
        let s = frame.startIndex
        if frame[s] == 0, frame[s + 1] == 0 {
            let data = frame[(s + 8)..<(frame.endIndex - 4)]
            let e = frame.endIndex
            let crc = UInt32(frame[e - 4]) << 24 | UInt32(frame[e - 3]) << 16 | UInt32(frame[e - 2]) << 8
                | UInt32(frame[e - 1])
            self = .avl(codec: data[data.startIndex], data: data, crcValid: crc == UInt32(CRC16.arc(data)))
        } else {
            self = .imei(String(decoding: frame[(s + 2)...], as: UTF8.self))
        }
    }

    /// A TCP packet around `data` (codec … the closing count): four zero bytes, the data's length,
    /// the data, and the CRC-16/ARC of the data in four bytes.
    static func packet(_ data: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        out.u32(0)
        out.u32(data.count)
        out.append(data)
        out.u32(Int(CRC16.arc(data)))
        return out.bytes
    }

    /// The handshake reply: 0x01 accepts the unit, 0x00 refuses it.
    static func handshakeReply(accepted: Bool) -> [UInt8] { [accepted ? 0x01 : 0x00] }

    /// The data ack: how many records were accepted, as a four-byte big-endian integer.
    static func dataAck(records: Int) -> [UInt8] {
        let n = UInt32(clamping: records)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    }
}
