import HubModel

/// The GT06/Concox envelope: `78 78 len proto content serial crc 0D 0A`, or `79 79` with a two-byte
/// length for long packets. `len` counts proto through crc; the CRC-16/X-25 covers len through serial.
struct GT06Frame {
    let protocolNumber: UInt8
    let content: ArraySlice<UInt8>
    /// The unit's packet counter, echoed in acks.
    let serial: UInt16

    /// Where the next frame ends, for `StreamFramer`.
    static func cut(_ b: ArraySlice<UInt8>) -> FrameCut {
        let s = b.startIndex
        let isStart = { (x: UInt8) in x == 0x78 || x == 0x79 }
        guard isStart(b[s]) else {
            let next = b[(s + 1)...].firstIndex(where: isStart) ?? b.endIndex
            return .skip(next - s)
        }
        guard b.count >= 2 else { return .need(2) }
        guard b[s + 1] == b[s] else { return .skip(1) }
        let long = b[s] == 0x79
        guard b.count >= (long ? 4 : 3) else { return .need(long ? 4 : 3) }
        let len = long ? Int(b[s + 2]) << 8 | Int(b[s + 3]) : Int(b[s + 2])
        // proto, serial and crc at least.
        guard len >= 5 else { return .skip(1) }
        let total = (long ? 6 : 5) + len
        guard b.count >= total else { return .need(total) }
        guard b[s + total - 2] == 0x0D, b[s + total - 1] == 0x0A else { return .skip(1) }
        return .frame(total)
    }

    /// The frame's parts once its CRC is checked; nil when the CRC does not match.
    init?(_ frame: ArraySlice<UInt8>) {
        let s = frame.startIndex
        let lengthBytes = frame[s] == 0x79 ? 2 : 1
        let crcAt = frame.endIndex - 4
        guard frame.count >= 7 + lengthBytes,
            CRC16.x25(frame[(s + 2)..<crcAt]) == UInt16(frame[crcAt]) << 8 | UInt16(frame[crcAt + 1])
        else { return nil }
        protocolNumber = frame[s + 2 + lengthBytes]
        content = frame[(s + 3 + lengthBytes)..<(crcAt - 2)]
        serial = UInt16(frame[crcAt - 2]) << 8 | UInt16(frame[crcAt - 1])
    }

    /// The ack a unit waits for after a login, heartbeat or alarm: the same protocol number and serial.
    static func ack(protocolNumber: UInt8, serial: UInt16) -> [UInt8] {
        GT06Encoder.frame(protocolNumber: protocolNumber, content: [], serial: serial)
    }
}
