import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The published Teltonika packets in ../shared/corpus/tracker/teltonika-codec8-frames.jsonl.
struct TeltonikaCorpusTests {
    static let file = "tracker/teltonika-codec8-frames.jsonl"

    @Test func everyRecordDecodesAsTheIndependentDecodeSays() throws {
        let rows = try TrackerCorpus.rows(Self.file)
        #expect(rows.count == 48)
        var records = 0
        for row in rows where row.crcValid {
            let r = DriverRun(TeltonikaDriver(), chunks: [row.bytes[...]])
            #expect(r.counters.rejected["checksum"] == nil, "\(row.hex.prefix(40))")
            guard let expected = row.records else { continue }
            #expect(r.fixes.count == expected.count, "\(row.hex.prefix(40))")
            #expect(r.replies == [[0, 0, 0, UInt8(expected.count)]])
            for (f, e) in zip(r.fixes, expected) {
                records += 1
                #expect(abs(f.lat - e.lat) < 1e-9 && abs(f.lon - e.lon) < 1e-9)
                #expect(f.altitudeM == Double(e.altitude) && f.courseDeg == Double(e.course))
                #expect(f.satellites == e.satellites && f.speedKmh == Double(e.speedKmh))
                #expect(f.observedAt == Timestamp.parse(e.time), "\(e.time)")
                #expect(f.io == Dictionary(uniqueKeysWithValues: e.io.map { (Int($0.key)!, $0.value) }))
            }
        }
        #expect(records == 47)
    }

    @Test func codec8ExtendedAnd16PacketsDecodeToo() throws {
        let rows = try TrackerCorpus.rows(Self.file).filter { $0.crcValid && ($0.hex.dropFirst(16).hasPrefix("8e") || $0.hex.dropFirst(16).hasPrefix("10")) }
        #expect(rows.count >= 10)
        for row in rows {
            let r = DriverRun(TeltonikaDriver(), chunks: [row.bytes[...]])
            #expect(r.counters.rejectedTotal == 0 && !r.fixes.isEmpty, "\(row.hex.prefix(40))")
            #expect(r.fixes.allSatisfy { GPSFix.isOnEarth(lat: $0.lat, lon: $0.lon) })
        }
    }

    @Test func everyBadPacketIsCountedAndGivesNoPosition() throws {
        let bad = try TrackerCorpus.rows(Self.file).filter { !$0.crcValid }
        #expect(bad.count == 9)
        for row in bad {
            let r = DriverRun(TeltonikaDriver(), chunks: [row.bytes[...]])
            #expect(r.fixes.isEmpty && r.replies.isEmpty, "\(row.hex.prefix(40))")
            #expect(r.counters.rejectedTotal >= 1, "\(row.hex.prefix(40))")
        }
    }

    /// Codec 12 responses (type 6) are answers to the hub's commands; anything else in codec 12 is counted.
    @Test func commandCodecsAreAnswersOrCountedNeverReadings() throws {
        let rows = try TrackerCorpus.rows(Self.file).filter { $0.crcValid && $0.hex.dropFirst(16).hasPrefix("0c") }
        #expect(!rows.isEmpty)
        for row in rows {
            let r = DriverRun(TeltonikaDriver(), chunks: [row.bytes[...]])
            #expect(r.readings.isEmpty && r.replies.isEmpty)
            if row.hex.dropFirst(20).hasPrefix("06") {
                #expect(r.answers.count == 1 && r.answers.first?.tag == .next && r.counters.unknownCodes.isEmpty, "\(row.hex.prefix(40))")
            } else {
                #expect(r.counters.unknownCodes["codec-12"] == 1 && r.answers.isEmpty, "\(row.hex.prefix(40))")
            }
        }
    }
}
