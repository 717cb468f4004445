import HubDrivers
import Testing

/// The LCUS board's four-byte command: start byte, channel, state, and the low byte of their sum.
struct LCUSRelayFrameTests {
    @Test func channelOneOnAndOffAreTheBytesTheBoardsDocumentationGives() {
        #expect(LCUSRelayFrame(channel: 1, on: true).bytes == [0xA0, 0x01, 0x01, 0xA2])
        #expect(LCUSRelayFrame(channel: 1, on: false).bytes == [0xA0, 0x01, 0x00, 0xA1])
        #expect(LCUSRelayFrame(channel: 4, on: true).bytes == [0xA0, 0x04, 0x01, 0xA5])
    }

    @Test func theSumWrapsAtOneByte() {
        // A0 + 08 + 01 = A9: no wrap in the family's range; the sum is still taken modulo 256.
        #expect(LCUSRelayFrame(channel: 8, on: true).bytes.last == 0xA9)
        #expect(throws: LCUSRelayFrame.Refusal.checksum(got: 0x00, expected: 0xA9)) {
            try LCUSRelayFrame.parse([0xA0, 0x08, 0x01, 0x00])
        }
    }

    @Test func everyCommandReadsBackAsItself() throws {
        for channel in UInt8(1)...8 {
            for on in [true, false] {
                let frame = LCUSRelayFrame(channel: channel, on: on)
                #expect(try LCUSRelayFrame.parse(frame.bytes) == frame)
            }
        }
    }

    @Test func malformedCommandsAreRefusedWithTheirReason() {
        #expect(throws: LCUSRelayFrame.Refusal.length(3)) { try LCUSRelayFrame.parse([0xA0, 0x01, 0x01]) }
        #expect(throws: LCUSRelayFrame.Refusal.start(0xA1)) { try LCUSRelayFrame.parse([0xA1, 0x01, 0x01, 0xA3]) }
        #expect(throws: LCUSRelayFrame.Refusal.channel(0)) { try LCUSRelayFrame.parse([0xA0, 0x00, 0x01, 0xA1]) }
        #expect(throws: LCUSRelayFrame.Refusal.state(2)) { try LCUSRelayFrame.parse([0xA0, 0x01, 0x02, 0xA3]) }
    }
}
