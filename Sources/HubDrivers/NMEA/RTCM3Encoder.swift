/// RTCM 3 frames as a base station's corrections arrive on a rover's port, for tests and simulators:
/// `D3`, 6 zero bits and a 10-bit length, payload, CRC-24Q over header and payload.
public enum RTCM3Encoder {
    public static func frame(payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= 1023, "an RTCM 3 payload holds at most 1023 bytes")
        let head: [UInt8] = [0xD3, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        let crc = CRC24Q.compute(head)
        return head + [UInt8(crc >> 16), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }

    /// Message 1005, a stationary reference station's antenna position: ECEF metres at 0.1 mm.
    public static func message1005(station: Int, x: Double, y: Double, z: Double) -> [UInt8] {
        var w = BitWriter()
        w.put(1005, 12)  // DF002 message number
        w.put(Int64(station), 12)  // DF003 reference station id
        w.put(0, 6)  // DF021 ITRF realisation year
        w.put(1, 1)  // DF022 GPS
        w.put(1, 1)  // DF023 GLONASS
        w.put(1, 1)  // DF024 Galileo
        w.put(0, 1)  // DF141 reference station (not physical)
        w.put(Int64((x * 10_000).rounded()), 38)  // DF025
        w.put(0, 1)  // DF142 single receiver oscillator
        w.put(0, 1)  // DF001 reserved
        w.put(Int64((y * 10_000).rounded()), 38)  // DF026
        w.put(0, 2)  // DF364 quarter cycle indicator
        w.put(Int64((z * 10_000).rounded()), 38)  // DF027
        return frame(payload: w.bytes)
    }

    /// Big-endian bit packing, as RTCM lays out its fields; negative values go in two's complement.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var bits = 0

        mutating func put(_ value: Int64, _ width: Int) {
            for i in stride(from: width - 1, through: 0, by: -1) {
                if bits % 8 == 0 { bytes.append(0) }
                if (value >> i) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(bits % 8) }
                bits += 1
            }
        }
    }
}
