import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The published GT06 frames in ../shared/corpus/tracker/gt06-frames.jsonl, each through a fresh driver.
struct GT06CorpusTests {
    static let file = "tracker/gt06-frames.jsonl"

    @Test func everyFrameDecodesAsTheIndependentDecodeSays() throws {
        let rows = try TrackerCorpus.rows(Self.file)
        #expect(rows.count == 187)
        var positions = 0
        for row in rows where row.crcValid {
            let r = DriverRun(GT06Driver(), chunks: [row.bytes[...]])
            #expect(r.counters.rejected["checksum"] == nil, "\(row.hex)")
            #expect(r.counters.frames == 1 && r.archivedBytes == row.bytes.count, "one whole frame: \(row.hex)")
            if let imei = row.imei {
                #expect(r.statuses.first?.unitID == imei)
                #expect(r.replies.count == 1)
            }
            guard let lat = row.lat, let lon = row.lon else { continue }
            positions += 1
            let f = try #require(r.fixes.first, "\(row.hex)")
            #expect(r.fixes.count == 1)
            #expect(abs(f.lat - lat) < 2e-6 && abs(f.lon - lon) < 2e-6, "\(row.hex)")
            #expect(f.speedKmh == row.speedKmh && f.courseDeg == row.course && f.satellites == row.satellites)
            // The corpus gives the unit's local time; decoded with offset 0 it is the same wall clock.
            #expect(f.observedAt.map(Timestamp.format)?.hasPrefix(row.time ?? "-") == true, "\(row.hex)")
        }
        #expect(positions == 10)
    }

    @Test func everyBadCRCFrameIsCountedAndGivesNoPosition() throws {
        let bad = try TrackerCorpus.rows(Self.file).filter { !$0.crcValid }
        #expect(bad.count == 29)
        for row in bad {
            let r = DriverRun(GT06Driver(), chunks: [row.bytes[...]])
            #expect(r.fixes.isEmpty && r.replies.isEmpty, "\(row.hex)")
            // One published line holds three whole frames, each with a right CRC: judged frame by frame,
            // nothing is wrong with it, and it still gives no position.
            #expect(r.counters.rejectedTotal >= 1 || r.counters.frames > 1, "\(row.hex)")
        }
    }

    @Test func theWholeCorpusAsOneStream() throws {
        let rows = try TrackerCorpus.rows(Self.file)
        let stream = rows.flatMap(\.bytes)
        let r = DriverRun(GT06Driver(), bytes: stream, chunk: 100)
        #expect(r.archivedBytes == stream.count)
        #expect(r.fixes.count >= 10)
        #expect(r.counters.rejectedTotal >= 20)
    }
}
