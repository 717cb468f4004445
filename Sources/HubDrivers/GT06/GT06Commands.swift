import HubModel

/// GT06 server commands (protocol 0x80) and the unit's string information that answers them
/// (0x15, or 0x21 in a long `79 79` packet), both sides, for the hub and for simulated units.
///
/// Layouts as the GT06 communication protocol document (Concox "GT06 GPS Tracker Communication
/// Protocol", section "Server sends command to terminal", protocol 0x80; "String information",
/// 0x15) gives them:
///
///     0x80 content: command length (1 = 4 + text), server flag (4), ASCII command text
///     0x15 content: command length (1 = 4 + text), server flag (4), ASCII answer text, language (2)
///     0x21 content: server flag (4), encoding (1: 1 ASCII, 2 UTF-16BE), answer text
///
/// The unit copies the server flag into its answer: that number is how the hub pairs them. The
/// command words are the SMS/GPRS commands of the same documents (`RELAY,1#` closes the output
/// relay, `WHERE#` asks for the position).
public enum GT06Commands {
    /// A command's text for `word`: the relay output drives the seal's lock actuator (closed: locked).
    public static func text(for word: SealCommandWord) -> String {
        switch word {
        case .lock: "RELAY,1#"
        case .unlock: "RELAY,0#"
        case .position: "WHERE#"
        }
    }

    /// A server command frame (0x80) carrying `text` and `flag`; `text` at most 200 bytes.
    public static func serverCommand(_ text: String, flag: UInt32, serial: UInt16) -> [UInt8] {
        let ascii = Array(text.utf8.prefix(200))
        return GT06Encoder.frame(protocolNumber: 0x80, content: [UInt8(4 + ascii.count)] + flagBytes(flag) + ascii, serial: serial)
    }

    /// A unit's string information (0x15) answering the command that carried `flag`; English (0x0002).
    public static func stringInformation(_ text: String, flag: UInt32, serial: UInt16) -> [UInt8] {
        let ascii = Array(text.utf8.prefix(200))
        return GT06Encoder.frame(
            protocolNumber: 0x15, content: [UInt8(4 + ascii.count)] + flagBytes(flag) + ascii + [0x00, 0x02], serial: serial)
    }

    /// A server command a unit read: its flag and text; nil when `frame` is not a whole, valid 0x80 frame.
    public static func readServerCommand(_ frame: [UInt8]) -> (flag: UInt32, text: String)? {
        guard !frame.isEmpty, case .frame(frame.count) = GT06Frame.cut(frame[...]), let f = GT06Frame(frame[...]),
            f.protocolNumber == 0x80, let c = flagged(f.content, lengthFirst: true)
        else { return nil }
        return (c.flag, String(decoding: c.text, as: UTF8.self))
    }

    /// The answer in a string information packet (0x15, 0x21); nil for other packets or a broken one.
    static func answer(protocolNumber: UInt8, content: ArraySlice<UInt8>) -> UnitAnswer? {
        let text: String
        let flag: UInt32
        switch protocolNumber {
        case 0x15:
            guard let c = flagged(content, lengthFirst: true) else { return nil }
            (flag, text) = (c.flag, String(decoding: c.text, as: UTF8.self))
        case 0x21:
            guard let c = flagged(content, lengthFirst: false), let encoding = c.text.first else { return nil }
            let body = c.text.dropFirst()
            if encoding == 2 {
                let units = stride(from: body.startIndex, to: body.endIndex - 1, by: 2).map { UInt16(body[$0]) << 8 | UInt16(body[$0 + 1]) }
                text = String(decoding: units, as: UTF16.self)
            } else {
                text = String(decoding: body, as: UTF8.self)
            }
            flag = c.flag
        default: return nil
        }
        return UnitAnswer(tag: .serverFlag(flag), text: text, verdict: UnitAnswer.verdict(ofText: text))
    }

    /// The server flag and the text after it; with `lengthFirst` the text is as long as the length byte says.
    private static func flagged(_ content: ArraySlice<UInt8>, lengthFirst: Bool) -> (flag: UInt32, text: ArraySlice<UInt8>)? {
        var r = ByteReader(content)
        var length: Int?
        if lengthFirst {
            guard let n = r.u8(), n >= 4 else { return nil }
            length = Int(n) - 4
        }
        guard let flag = r.u32() else { return nil }
        let n = length ?? r.remaining
        guard let text = r.take(n) else { return nil }
        return (UInt32(flag), text)
    }

    private static func flagBytes(_ flag: UInt32) -> [UInt8] {
        [UInt8(flag >> 24), UInt8(flag >> 16 & 0xFF), UInt8(flag >> 8 & 0xFF), UInt8(flag & 0xFF)]
    }
}
