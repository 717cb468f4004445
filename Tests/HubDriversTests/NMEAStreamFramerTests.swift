import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Receiver streams as gpsd reads them: corpus sentences with u-blox UBX and RTCM 3 frames between
/// them (some glued straight before a `$`), `\r\r\n` and bare `\n` endings, and noise.
@Suite(.timeLimit(.minutes(3)))
struct NMEAStreamFramerTests {
    static let at = Date(timeIntervalSince1970: 1_639_000_000)
    static let pvt = UBXEncoder.navPVT(.init(at: at, lat: 44.0688, lon: -121.3141, speedKmh: 12, courseDeg: 90))
    static let station = RTCM3Encoder.message1005(station: 2003, x: -2_481_284.1234, y: -3_889_163.5678, z: 4_407_781.9012)

    /// The corpus's sentences, without their line endings.
    static func sentences(_ log: String) throws -> [[UInt8]] {
        try Corpus.bytes("nmea/" + log).split(separator: 10).map { line in
            Array(line.reversed().drop { $0 == 13 }.reversed())
        }.filter { $0.first == UInt8(ascii: "$") }
    }

    /// Each sentence with CR LF: what the receiver's NMEA alone would be.
    static func clean(_ s: [[UInt8]]) -> [UInt8] { s.flatMap { $0 + [13, 10] } }

    /// The same sentences as a mixed port delivers them; returns the stream and how many UBX and
    /// RTCM 3 frames, noise bytes and runs of noise it carries.
    static func mixed(_ s: [[UInt8]]) -> (bytes: [UInt8], ubx: Int, rtcm3: Int, noise: Int, runs: Int) {
        var out: [UInt8] = [], ubx = 0, rtcm3 = 0, noise = 0, runs = 0
        for (i, sentence) in s.enumerated() {
            switch i % 5 {
            case 0:
                out += pvt + sentence + [13, 10]  // no line break after the binary frame
                ubx += 1
            case 1:
                out += station + [13, 10] + sentence + [13, 13, 10]
                rtcm3 += 1
            case 2:
                out += sentence + [10]
            case 3:
                let junk: [UInt8] = [0x78, 0x01, 0xB5, 0x00, 0xD3, 0xFF]  // false syncs among the noise
                out += junk + sentence + [13, 13, 10]
                noise += junk.count
                runs += 3  // `x 01`, then each false sync with the byte that disproves it
            default:
                out += UBXEncoder.frame(class: 0x0A, id: 0x04, payload: []) + station + sentence + [13, 10]
                ubx += 1
                rtcm3 += 1
            }
        }
        return (out, ubx, rtcm3, noise, runs)
    }

    static func run(_ chunks: [ArraySlice<UInt8>]) -> DriverRun { DriverRun(NMEADriver(), chunks: chunks, at: at) }

    @Test func checksumsMatchKnownVectors() {
        #expect(CRC24Q.compute(Array("123456789".utf8)) == 0xCDE703)
        // The empty RTCM 3 frame casters send as a keep-alive, and u-blox's CFG-PRT and MON-VER polls.
        #expect(RTCM3Encoder.frame(payload: []) == [0xD3, 0x00, 0x00, 0x47, 0xEA, 0x4B])
        #expect(UBXEncoder.frame(class: 0x06, id: 0x00, payload: []) == [0xB5, 0x62, 0x06, 0x00, 0x00, 0x00, 0x06, 0x18])
        #expect(UBXEncoder.frame(class: 0x0A, id: 0x04, payload: []) == [0xB5, 0x62, 0x0A, 0x04, 0x00, 0x00, 0x0E, 0x34])
        #expect(Self.station.count == 6 + 19 && Array(Self.station[3...4]) == [0x3E, 0xD7], "message 1005, station 2003")
        #expect(Self.pvt.count == 8 + 92)
    }

    @Test(arguments: ["ublox-f9p-hpnmea.log", "garmin17n.log", "quectel-eg25-g-2.log"])
    func interleavedStreamDecodesLikeTheCleanOne(log: String) throws {
        let s = try Self.sentences(log)
        let clean = Self.run([Self.clean(s)[...]])
        let m = Self.mixed(s)
        #expect(!clean.fixes.isEmpty)
        for chunk in [1, 2, 3, 7, 64, 1 << 16] {
            let r = DriverRun(NMEADriver(), bytes: m.bytes, chunk: chunk)
            #expect(r.readings == clean.readings, "chunk \(chunk)")
            #expect(r.counters.unknownCodes == clean.counters.unknownCodes)
            #expect(r.counters.rejected["checksum"] == clean.counters.rejected["checksum"])
            #expect(r.counters.skippedFrames == ["ubx": m.ubx, "rtcm3": m.rtcm3])
            #expect(r.counters.skippedBytes == m.noise)
            #expect(r.counters.rejected["garbage"] ?? 0 == (clean.counters.rejected["garbage"] ?? 0) + m.runs)
            #expect(r.counters.bytes == m.bytes.count)
            // The archive keeps each sentence's own bytes, terminator included, and the noise.
            #expect(r.frames.filter { $0.first == UInt8(ascii: "$") }.map { Array($0.prefix { $0 != 13 && $0 != 10 }) } == s)
        }
    }

    @Test func aStreamCutAtEveryOffsetGivesTheSameOutput() throws {
        let s = Array(try Self.sentences("ublox-f9p-hpnmea.log").prefix(10))
        let m = Self.mixed(s).bytes
        let whole = Self.run([m[...]])
        #expect(whole.fixes.count == 2)
        for k in 0...m.count {
            let r = Self.run([m[..<k], m[k...]])
            #expect(r.steps == whole.steps && r.counters == whole.counters, "cut at \(k)")
        }
    }

    @Test func aCorruptBinaryFrameIsPassedOverAndTheNextSentenceKept() {
        let fix = NMEAEncoder.Fix(at: Self.at, lat: 10.95, lon: 106.82, speedKmh: 42, courseDeg: 270)
        let s = [NMEAEncoder.rmc(fix).dropLast(2).map { $0 }, NMEAEncoder.gga(fix).dropLast(2).map { $0 }]
        var badUBX = Self.pvt
        badUBX[badUBX.count - 1] ^= 0x01
        var badRTCM = Self.station
        badRTCM[10] ^= 0x40
        let stream = badUBX + s[0] + [13, 10] + badRTCM + s[1] + [13, 10]
        let r = DriverRun(NMEADriver(), bytes: stream, chunk: 3)
        #expect(r.readings == Self.run([Self.clean(Array(s[0...1]))[...]]).readings)
        #expect(r.fixes.count == 2)
        #expect(r.counters.skippedFrames.isEmpty)
        #expect(r.counters.skippedBytes == badUBX.count + badRTCM.count)
        #expect(r.counters.rejectedTotal == 0)
    }

    @Test func lineEndingsAndFalseHeaders() {
        var framer = NMEAStreamFramer(maxSentenceBytes: 128)
        var out: [NMEAStreamFramer.Output] = []
        // A UBX header announcing 65,535 bytes is noise: the sentence behind it is read at once.
        let input: [UInt8] = Array("$A*41\r\r\n$B*42\n$C*43\r$D".utf8) + [0xB5, 0x62, 1, 7, 0xFF, 0xFF] + Array("$E*45\r\n".utf8)
        framer.push(input[...]) { out.append($0) }
        framer.finish { out.append($0) }
        // Built apart from the #expect, which cannot type-check the whole literal in time.
        func sentence(_ text: String, _ contentCount: Int) -> NMEAStreamFramer.Output {
            .sentence(bytes: ArraySlice(text.utf8), contentCount: contentCount)
        }
        let expected: [NMEAStreamFramer.Output] = [
            sentence("$A*41\r\r\n", 5), sentence("$B*42\n", 5), sentence("$C*43\r", 5), sentence("$D", 2),
            .garbage(head: [0xB5, 0x62, 1, 7, 0xFF, 0xFF], count: 6), sentence("$E*45\r\n", 5),
        ]
        #expect(out == expected)
    }

    @Test func aLongBinaryFrameIsCountedNotHeld() {
        var framer = NMEAStreamFramer(maxSentenceBytes: 128)
        var out: [NMEAStreamFramer.Output] = []
        let big = UBXEncoder.frame(class: 0x02, id: 0x15, payload: [UInt8](repeating: 0x24, count: NMEAStreamFramer.maxUBXPayload))
        var peak = 0
        for i in stride(from: 0, to: big.count, by: 100) {
            framer.push(big[i..<min(i + 100, big.count)]) { out.append($0) }
            peak = max(peak, framer.pendingCount)
        }
        #expect(peak <= 6, "a `$`-filled payload is not read as sentences")
        #expect(out == [.binary(.ubx, count: big.count)])
    }
}
