/// The command frame of the CH340-based "LCUS" USB relay boards (1, 2, 4 or 8 channels, 9600 8N1):
/// four bytes `A0 <channel> <state> <sum>`, where channel counts from 1, state is 00 (open) or
/// 01 (closed), and the sum is the low byte of the first three added. The boards do not answer a
/// switching command, so the hub cannot tell a board that obeyed from one that is not there; only
/// a port that refuses the bytes is a fault.
public struct LCUSRelayFrame: Sendable, Equatable {
    /// The frame's first byte.
    public static let start: UInt8 = 0xA0
    /// The highest channel a board of the family has.
    public static let maxChannel: UInt8 = 8

    /// 1 to `maxChannel`.
    public var channel: UInt8
    /// True: the relay closes (the light, siren or barrier hold is on).
    public var on: Bool

    public init(channel: UInt8, on: Bool) {
        self.channel = channel
        self.on = on
    }

    /// The four bytes the board takes.
    public var bytes: [UInt8] {
        let state: UInt8 = on ? 0x01 : 0x00
        return [Self.start, channel, state, Self.start &+ channel &+ state]
    }

    /// Why four bytes are not a command (for a simulated board and for tests).
    public enum Refusal: Error, Equatable {
        case length(Int)
        case start(UInt8)
        case channel(UInt8)
        case state(UInt8)
        /// The sum the frame carried, and the one its bytes make.
        case checksum(got: UInt8, expected: UInt8)
    }

    /// Reads a command back from the four bytes a board receives.
    public static func parse(_ b: [UInt8]) throws(Refusal) -> LCUSRelayFrame {
        guard b.count == 4 else { throw .length(b.count) }
        guard b[0] == start else { throw .start(b[0]) }
        guard (1...maxChannel).contains(b[1]) else { throw .channel(b[1]) }
        guard b[2] <= 1 else { throw .state(b[2]) }
        let sum = b[0] &+ b[1] &+ b[2]
        guard b[3] == sum else { throw .checksum(got: b[3], expected: sum) }
        return LCUSRelayFrame(channel: b[1], on: b[2] == 1)
    }
}
