/// Modbus RTU function 05, Write Single Coil, as relay modules take it: `<slave> 05 <coil hi> <coil lo>
/// <FF 00 | 00 00> <crc lo> <crc hi>`. A module that obeys echoes the request byte for byte; one that
/// refuses answers `<slave> 85 <exception code> <crc>`.
public struct ModbusCoilFrame: Sendable, Equatable {
    /// Write Single Coil.
    public static let function: UInt8 = 0x05
    /// A request and its echo.
    public static let length = 8
    /// An exception answer: slave, function | 0x80, code, CRC.
    public static let exceptionLength = 5

    /// 1 to 247 (0 is broadcast, which no module answers).
    public var slave: UInt8
    /// The coil's address on the wire (a module's "relay 1" is usually coil 0).
    public var coil: UInt16
    public var on: Bool

    public init(slave: UInt8, coil: UInt16, on: Bool) {
        self.slave = slave
        self.coil = coil
        self.on = on
    }

    /// The request, CRC included.
    public var bytes: [UInt8] {
        Self.sealed([slave, Self.function, UInt8(coil >> 8), UInt8(coil & 0xFF), on ? 0xFF : 0x00, 0x00])
    }

    /// `body` followed by its CRC-16/MODBUS, low byte first.
    public static func sealed(_ body: [UInt8]) -> [UInt8] {
        let crc = crc16(body)
        return body + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }

    /// CRC-16/MODBUS: polynomial 0x8005 reflected (0xA001), initial value 0xFFFF, no final XOR.
    public static func crc16<C: Collection<UInt8>>(_ bytes: C) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    /// Whether `frame` (body and CRC) carries the CRC of its body.
    public static func crcHolds(_ frame: ArraySlice<UInt8>) -> Bool {
        guard frame.count >= 3 else { return false }
        let body = frame.dropLast(2)
        let crc = crc16(body)
        return frame[frame.endIndex - 2] == UInt8(crc & 0xFF) && frame[frame.endIndex - 1] == UInt8(crc >> 8)
    }

    /// What the bytes read after `request` say so far.
    public enum Answer: Sendable, Equatable {
        /// Not enough bytes yet to tell.
        case incomplete
        /// The module echoed the request: the coil is set.
        case echoed
        /// The module refused with a Modbus exception code (1 illegal function, 2 illegal address, …).
        case exception(UInt8)
        /// Something else: a bad CRC, another slave, another coil or state. Says what, for the fault.
        case wrong(String)
    }

    /// Judges the answer to `request` from the bytes read so far.
    public static func answer(_ got: [UInt8], to request: [UInt8]) -> Answer {
        guard got.count >= 2 else { return .incomplete }
        if got[1] == function | 0x80 {
            guard got.count >= exceptionLength else { return .incomplete }
            let frame = got[0..<exceptionLength]
            guard crcHolds(frame) else { return .wrong("exception answer with a bad CRC: \(hex(frame))") }
            guard got[0] == request.first else { return .wrong("exception answer from slave \(got[0]): \(hex(frame))") }
            return .exception(got[2])
        }
        guard got.count >= length else { return .incomplete }
        let frame = got[0..<length]
        if frame.elementsEqual(request) { return got.count == length ? .echoed : .wrong("echo followed by \(got.count - length) more bytes: \(hex(got[...]))") }
        guard crcHolds(frame) else { return .wrong("answer with a bad CRC: \(hex(frame))") }
        return .wrong("answer \(hex(frame)) is not the echo of \(hex(request[...]))")
    }

    /// `01 05 00 00 FF 00 8C 3A`.
    public static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { b in
            let s = String(b, radix: 16, uppercase: true)
            return b < 16 ? "0" + s : s
        }.joined(separator: " ")
    }

    /// Reads a request back (for a simulated module and for tests); nil when the bytes are not a
    /// Write Single Coil with a good CRC and a state of FF00 or 0000.
    public static func parse(_ b: [UInt8]) -> ModbusCoilFrame? {
        guard b.count == length, b[1] == function, crcHolds(b[...]), b[5] == 0, b[4] == 0xFF || b[4] == 0 else { return nil }
        return ModbusCoilFrame(slave: b[0], coil: UInt16(b[2]) << 8 | UInt16(b[3]), on: b[4] == 0xFF)
    }
}
