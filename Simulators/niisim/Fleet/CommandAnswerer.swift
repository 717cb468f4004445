import Foundation
import HubDrivers
import HubModel

/// A simulated unit's side of the hub's commands, as the real units answer them: a GT06 unit its
/// string information (0x15) with the command's server flag, a Teltonika unit a codec 12 response,
/// an ASCII e-seal its `##R` line. An unlock or lock changes the unit's lock, and the unit says so
/// at once the way it reports any change (a GT06 heartbeat with the armed bit, an e-seal report).
/// The hub's other bytes (its acks) are handed back untouched for the caller's ack count.
struct CommandAnswerer {
    enum Dialect { case gt06, teltonika, eseal }

    let dialect: Dialect
    /// The seal's id (e-seals) or IMEI, as it names itself.
    let unit: String
    /// The lock as the unit last reported it; commands change it.
    private(set) var locked = true
    /// A hub frame split across reads, held for the rest.
    private var held: [UInt8] = []
    private var serial: UInt16 = 0x7000

    init(dialect: Dialect, unit: String) {
        self.dialect = dialect
        self.unit = unit
    }

    /// What the unit sends back for `bytes` from the hub: its answers (and any report a change of
    /// lock draws), how many ack bytes those reports will draw, and the hub's bytes that were acks.
    mutating func take(_ bytes: [UInt8]) -> (send: [[UInt8]], moreAcks: Int, acks: Int) {
        held += bytes
        var send: [[UInt8]] = [], moreAcks = 0, acks = 0
        while let next = nextFrame() {
            let (length, isCommand) = next
            let frame = Array(held.prefix(length))
            held.removeFirst(length)
            guard isCommand else {
                acks += frame.count
                continue
            }
            let (out, more) = answer(frame)
            send += out
            moreAcks += more
        }
        return (send, moreAcks, acks)
    }

    /// The length of the next whole frame the hub sent, and whether it is a command; nil until one is whole.
    private func nextFrame() -> (Int, Bool)? {
        guard !held.isEmpty else { return nil }
        switch dialect {
        case .gt06:
            guard held.count >= 4 else { return nil }
            let total = Int(held[2]) + 5
            return held.count >= total ? (total, held[3] == 0x80) : nil
        case .teltonika:
            guard held.count >= 4 else { return nil }
            // An ack is a four-byte record count (never 0); a codec 12 packet starts with four zero bytes.
            guard held[0..<4] == [0, 0, 0, 0] else { return (4, false) }
            guard held.count >= 8 else { return nil }
            let total = 12 + (Int(held[4]) << 24 | Int(held[5]) << 16 | Int(held[6]) << 8 | Int(held[7]))
            return held.count >= total ? (total, true) : nil
        case .eseal:
            guard let end = held.indices.dropFirst().first(where: { held[$0 - 1] == 0x0D && held[$0] == 0x0A }) else { return nil }
            return (end + 1, held.starts(with: Array("##C,".utf8)))
        }
    }

    private mutating func answer(_ frame: [UInt8]) -> ([[UInt8]], Int) {
        switch dialect {
        case .gt06:
            guard let c = GT06Commands.readServerCommand(frame) else { return ([], 0) }
            serial &+= 1
            let word: SealCommandWordText = c.text == GT06Commands.text(for: .unlock) ? .unlock : c.text == GT06Commands.text(for: .lock) ? .lock : .other
            let text = switch word {
            case .unlock: "RELAY=0,Success!"
            case .lock: "RELAY=1,Success!"
            case .other: c.text == "WHERE#" ? "Lat:N10.800000,Lon:E106.710000" : "Unknown command"
            }
            var out = [GT06Commands.stringInformation(text, flag: c.flag, serial: serial)]
            guard word != .other else { return (out, 0) }
            locked = word == .lock
            serial &+= 1
            // The lock change as the unit reports it: a heartbeat whose armed bit is the lock (acked, 10 bytes).
            out.append(GT06Encoder.heartbeat(armed: locked, serial: serial))
            return (out, 10)
        case .teltonika:
            guard let text = TeltonikaCommands.readCommand(frame) else { return ([], 0) }
            let reply = switch text {
            case "setdigout 1": "DOUT1:1 DOUT2:IGNORED"
            case "setdigout 0": "DOUT1:0 DOUT2:IGNORED"
            case "getgps": "GPS:1 Sat:9 Lat:10.800000 Long:106.710000 Alt:12 Speed:0 Dir:0 Date: 2026/11/25 Time: 10:00:00"
            default: "Unknown command"
            }
            if text.hasPrefix("setdigout") { locked = text == "setdigout 0" }
            return ([TeltonikaCommands.response(reply)], 0)
        case .eseal:
            guard let c = ESealCommands.commands(in: String(decoding: frame, as: UTF8.self)).first else { return ([], 0) }
            guard c.word == "UNLOCK" || c.word == "LOCK" || c.word == "POS" else {
                return ([ESealCommands.answer(id: unit, commandID: c.commandID, result: "ERR", detail: "unknown command")], 0)
            }
            var out = [ESealCommands.answer(id: unit, commandID: c.commandID, result: "OK", detail: c.word.lowercased())]
            serial &+= 1
            if c.word != "POS" { locked = c.word == "LOCK" }
            // The seal reports its state after the command, like any change: its report draws an ack.
            let report = ESealEncoder.report(id: unit, sequence: Int(serial), event: c.word, time: ESealScript.time(Date()), battery: "90")
            out.append(report)
            return (out, ESealEncoder.ack(id: unit, sequence: Int(serial)).count)
        }
    }

    private enum SealCommandWordText { case unlock, lock, other }
}
