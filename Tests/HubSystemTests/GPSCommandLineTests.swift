import Foundation
import HubTesting
import Testing

/// `niihub decode` and `niihub bench-decode` for the GPS and seal protocols, as other tools run them.
@Suite(.timeLimit(.minutes(3)))
struct GPSCommandLineTests {
    static func events(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func decodeNMEAPrintsOneFixPerValidSentence() throws {
        let r = try CommandLineTests.run(["decode", "--protocol", "nmea", Corpus.url("nmea/tn204.log").path])
        #expect(r.status == 0)
        let events = Self.events(r.out)
        #expect(events.count == 12 && events.allSatisfy { $0["kind"] as? String == "gps.fix" })
        #expect(r.err.contains("12 events") && r.err.contains("RTE 4"))
    }

    @Test func decodeNMEAPassesOverBinaryFramesAndSaysSo() throws {
        let dir = try TemporaryDirectory("gps-decode-binary")
        // u-blox's MON-VER poll and the empty RTCM 3 keep-alive, each glued before a sentence, and `\r\r\n` lines.
        let ubx: [UInt8] = [0xB5, 0x62, 0x0A, 0x04, 0x00, 0x00, 0x0E, 0x34], rtcm: [UInt8] = [0xD3, 0x00, 0x00, 0x47, 0xEA, 0x4B]
        let lines = try Corpus.bytes("nmea/tn204.log").split(separator: 10).filter { $0.first == UInt8(ascii: "$") }
        var bytes: [UInt8] = []
        for (i, line) in lines.enumerated() { bytes += (i % 2 == 0 ? ubx : rtcm) + line.filter { $0 != 13 } + [13, 13, 10] }
        let file = dir.url.appendingPathComponent("mixed.nmea")
        try Data(bytes).write(to: file)
        let r = try CommandLineTests.run(["decode", "--protocol", "nmea", file.path])
        #expect(r.status == 0)
        #expect(Self.events(r.out).count == 12)
        #expect(r.err.contains("\(lines.count) binary frames skipped (rtcm3 \(lines.count / 2), ubx \(lines.count - lines.count / 2))"))
        #expect(r.err.contains(" 0 rejected"))
    }

    @Test func decodeHexCapturesOfTrackersAndCountsBadFrames() throws {
        let dir = try TemporaryDirectory("gps-decode")
        let rows = try TrackerCorpus.rows("tracker/gt06-frames.jsonl")
        let file = try dir.write("gt06.hex", rows.map(\.hex).joined(separator: "\n") + "\nnot hex\n")
        let r = try CommandLineTests.run(["decode", "--protocol", "gt06", "--utc-offset-minutes", "420", file])
        #expect(r.status == 0)
        let events = Self.events(r.out)
        #expect(events.filter { $0["kind"] as? String == "gps.fix" }.count >= 10)
        #expect(events.contains { $0["kind"] as? String == "seal.status" })
        #expect(r.err.contains("checksum") && r.err.contains("1 lines are not hex"))
    }

    @Test func benchDecodeReportsThroughput() throws {
        let r = try CommandLineTests.run(["bench-decode", "--protocol", "nmea", "--repeat", "2", Corpus.url("nmea/tn204.log").path])
        #expect(r.status == 0)
        #expect(r.out.contains("MB/s") && r.out.contains("frames/s") && r.out.contains("24 events"))
        let bad = try CommandLineTests.run(["bench-decode", "--protocol", "nope", Corpus.url("nmea/tn204.log").path])
        #expect(bad.status == 64)
    }
}
