import HubDrivers
import Testing

/// Modbus RTU Write Single Coil for relay modules: the request with its CRC-16/MODBUS, and the
/// judgement of what the module answered.
struct ModbusCoilFrameTests {
    @Test func theCRCIsCRC16Modbus() {
        // The catalogue's check value: CRC-16/MODBUS of "123456789" is 0x4B37.
        #expect(ModbusCoilFrame.crc16(Array("123456789".utf8)) == 0x4B37)
    }

    @Test func relayOneOnAndOffAreTheWellKnownFrames() {
        // Slave 1, coil 0: the frames relay module manuals print.
        #expect(ModbusCoilFrame(slave: 1, coil: 0, on: true).bytes == [0x01, 0x05, 0x00, 0x00, 0xFF, 0x00, 0x8C, 0x3A])
        #expect(ModbusCoilFrame(slave: 1, coil: 0, on: false).bytes == [0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0xCD, 0xCA])
    }

    @Test func theCoilAddressIsBigEndianAndTheCRCLittleEndian() {
        let bytes = ModbusCoilFrame(slave: 0x11, coil: 0x0102, on: true).bytes
        #expect(Array(bytes[0..<6]) == [0x11, 0x05, 0x01, 0x02, 0xFF, 0x00])
        let crc = ModbusCoilFrame.crc16(bytes[0..<6])
        #expect(bytes[6] == UInt8(crc & 0xFF) && bytes[7] == UInt8(crc >> 8))
        #expect(ModbusCoilFrame.parse(bytes) == ModbusCoilFrame(slave: 0x11, coil: 0x0102, on: true))
    }

    @Test func anEchoIsObeyedAndAnythingElseIsSaidWhatItIs() {
        let request = ModbusCoilFrame(slave: 1, coil: 0, on: true).bytes
        #expect(ModbusCoilFrame.answer([], to: request) == .incomplete)
        #expect(ModbusCoilFrame.answer(Array(request.prefix(7)), to: request) == .incomplete)
        #expect(ModbusCoilFrame.answer(request, to: request) == .echoed)
        // An exception from the module: illegal data address (2).
        let refusal = ModbusCoilFrame.sealed([0x01, 0x85, 0x02])
        #expect(ModbusCoilFrame.answer(Array(refusal.prefix(4)), to: request) == .incomplete)
        #expect(ModbusCoilFrame.answer(refusal, to: request) == .exception(2))
        // A damaged echo, the other state, and the echo with noise after it.
        var damaged = request
        damaged[7] ^= 0xFF
        #expect(ModbusCoilFrame.answer(damaged, to: request) == .wrong("answer with a bad CRC: 01 05 00 00 FF 00 8C C5"))
        let off = ModbusCoilFrame(slave: 1, coil: 0, on: false).bytes
        #expect(ModbusCoilFrame.answer(off, to: request)
            == .wrong("answer 01 05 00 00 00 00 CD CA is not the echo of 01 05 00 00 FF 00 8C 3A"))
        #expect(ModbusCoilFrame.answer(request + [0x00], to: request) == .wrong("echo followed by 1 more bytes: 01 05 00 00 FF 00 8C 3A 00"))
        // Another slave's exception.
        #expect(ModbusCoilFrame.answer(ModbusCoilFrame.sealed([0x02, 0x85, 0x01]), to: request)
            == .wrong("exception answer from slave 2: 02 85 01 \(ModbusCoilFrame.hex(ModbusCoilFrame.sealed([0x02, 0x85, 0x01])[3...]))"))
    }

    @Test func onlyAGoodWriteSingleCoilParses() {
        #expect(ModbusCoilFrame.parse([0x01, 0x05, 0x00, 0x00, 0xFF, 0x00, 0x8C, 0x3B]) == nil, "bad CRC")
        #expect(ModbusCoilFrame.parse(ModbusCoilFrame.sealed([0x01, 0x05, 0x00, 0x00, 0x12, 0x34])) == nil, "state neither FF00 nor 0000")
        #expect(ModbusCoilFrame.parse(ModbusCoilFrame.sealed([0x01, 0x06, 0x00, 0x00, 0xFF, 0x00])) == nil, "another function")
    }
}
