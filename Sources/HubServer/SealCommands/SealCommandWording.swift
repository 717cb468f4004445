import HubDrivers
import HubModel

/// A command as one unit's protocol words it: the bytes to send, the text inside them, and the tag
/// its answer will carry.
struct SealCommandWording: Sendable {
    var bytes: [UInt8]
    var text: String
    var tag: UnitAnswer.Tag

    /// The command `word` with id `commandID` to `unit` speaking `protocolName`; nil when that
    /// protocol takes no commands (or the unit's id cannot be written in it).
    init?(_ word: SealCommandWord, unit: String, commandID: String, protocolName: String) {
        switch protocolName {
        case "gt06":
            // The server flag pairs the answer with the command: a number of this command's own.
            let flag = UInt32.random(in: 1...UInt32.max)
            text = GT06Commands.text(for: word)
            bytes = GT06Commands.serverCommand(text, flag: flag, serial: UInt16(truncatingIfNeeded: flag))
            tag = .serverFlag(flag)
        case "teltonika":
            text = TeltonikaCommands.text(for: word)
            bytes = TeltonikaCommands.command(text)
            tag = .next
        case "eseal":
            guard let line = ESealCommands.command(id: unit, commandID: commandID, word: word) else { return nil }
            text = ESealCommands.text(for: word)
            bytes = line
            tag = .commandID(commandID)
        default:
            return nil
        }
    }
}
