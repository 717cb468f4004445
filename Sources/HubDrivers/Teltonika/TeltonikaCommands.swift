import HubModel

/// Teltonika codec 12 (0x0C): GPRS commands from the server and the unit's responses, both sides,
/// for the hub and for simulated units. Layout as Teltonika's "Codec 12" wiki page gives it:
///
///     00000000 | data size (4) | codec 0x0C | quantity 1 | type (0x05 command, 0x06 response)
///     | text size (4) | text | quantity 2 | CRC (4, CRC-16/IBM over codec … quantity 2)
///
/// CRC-16/IBM is the same CRC as the AVL packets' (`CRC16.arc`). A response names no command: it
/// answers the one outstanding on the connection, so the hub sends one command at a time per unit.
/// The command words are the unit's SMS/GPRS commands (`setdigout 1` drives digital output 1, which
/// drives the seal's lock actuator; `getgps` answers with the current position).
public enum TeltonikaCommands {
    static let codec12: UInt8 = 0x0C
    static let command: UInt8 = 0x05
    static let response: UInt8 = 0x06

    /// A command's text for `word`: digital output 1 high opens the lock, low closes it.
    public static func text(for word: SealCommandWord) -> String {
        switch word {
        case .unlock: "setdigout 1"
        case .lock: "setdigout 0"
        case .position: "getgps"
        }
    }

    /// A codec 12 command packet (type 0x05) carrying `text`.
    public static func command(_ text: String) -> [UInt8] { packet(type: command, text) }

    /// A codec 12 response packet (type 0x06), as a unit answers.
    public static func response(_ text: String) -> [UInt8] { packet(type: response, text) }

    /// The text of the codec 12 command in `packet` (whole, CRC valid, type 0x05); nil otherwise.
    public static func readCommand(_ packet: [UInt8]) -> String? {
        guard !packet.isEmpty, case .frame(packet.count) = TeltonikaFrame.cut(packet[...]),
            case .avl(codec12, let data, true) = TeltonikaFrame(packet[...]),
            let m = message(data), m.type == command
        else { return nil }
        return m.text
    }

    /// The answer a codec 12 response packet's data (codec … quantity 2) carries; nil when it is not one.
    static func answer(_ data: ArraySlice<UInt8>) -> UnitAnswer? {
        guard let m = message(data), m.type == response else { return nil }
        return UnitAnswer(tag: .next, text: m.text, verdict: UnitAnswer.verdict(ofText: m.text))
    }

    private static func message(_ data: ArraySlice<UInt8>) -> (type: UInt8, text: String)? {
        var r = ByteReader(data)
        guard r.u8() == codec12, r.u8() == 1, let type = r.u8(), let size = r.u32(), let text = r.take(size), r.u8() == 1,
            r.remaining == 0
        else { return nil }
        return (type, String(decoding: text, as: UTF8.self))
    }

    private static func packet(type: UInt8, _ text: String) -> [UInt8] {
        let ascii = Array(text.utf8)
        var data = ByteWriter()
        data.append([codec12, 1, type])
        data.u32(ascii.count)
        data.append(ascii)
        data.u8(1)
        return TeltonikaFrame.packet(data.bytes)
    }
}
