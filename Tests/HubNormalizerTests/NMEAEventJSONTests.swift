import Foundation
import HubDrivers
import HubIngest
import HubModel
import HubTesting
import Testing

/// `gps.fix` lines are written straight from the typed payload (no `data` dictionary per
/// position). These hold that path to the bytes the dictionary path writes for the same event, over
/// the NMEA corpus and over payloads built to reach every member and number form.
struct NMEAEventJSONTests {
    /// The same event with its payload kept as the `data` dictionary: written the generic way.
    static func generic(_ e: InspectionEvent) -> InspectionEvent {
        var g = e
        g.payload = .untyped(e.payload.json)
        return g
    }

    static func event(_ payload: GPSFixPayload, observedAt: Date = Date(timeIntervalSince1970: 1_790_000_000.5)) -> InspectionEvent {
        InspectionEvent(
            id: "01JX0000000000000000000000", kind: EventKind.gpsFix,
            device: DeviceRef(id: "gps-1", profile: "nmea", family: "gps"), site: "gate", lane: nil,
            observedAt: observedAt, receivedAt: Date(timeIntervalSince1970: 1_790_000_001.25),
            payload: .gpsFix(payload), severity: .info, raw: RawRef(sha256: "ab", format: "nmea-0183"))
    }

    @Test func corpusFixesWriteAsTheDictionaryPathDoes() throws {
        let events = try EventJSONWriterTests.decode("nmea", try Corpus.files(in: "nmea", extensions: ["log"]))
        #expect(events.count > 100)
        var lines: [UInt8] = []
        var expected: [UInt8] = []
        for e in events {
            #expect(e.payload.isTyped, "the normalizer builds typed gps.fix payloads")
            let fast = e.jsonBytes()
            let slow = Self.generic(e).jsonBytes()
            #expect(fast == slow, "\(String(decoding: slow, as: UTF8.self))")
            if fast != slow { return }
            // Many lines into one buffer: the same bytes as each line on its own.
            e.appendJSON(to: &lines)
            lines.append(10)
            expected += slow + [10]
        }
        #expect(lines == expected)
    }

    @Test func everyMemberAndNumberFormWritesAsTheDictionaryPathDoes() throws {
        let full = GPSFixPayload(
            lat: -33.856_784_999_999_999, lon: 151.215_297, source: "teltonika-8", speedKmh: 1e16, courseDeg: -0.0,
            altitudeM: 5e-324, satellites: 0, hdop: 0.1, fixQuality: -7, sentence: "RMC", talker: "G\"N\\",
            priority: Int.max, eventIO: Int.min,
            io: ["1": .int(0), "10": .int(-5), "2": .string("18446744073709551615"), "é": .int(1), "": .int(2)])
        var payloads = [
            full,
            GPSFixPayload(lat: 0, lon: -0.0, source: "RMC"),
            GPSFixPayload(lat: 90, lon: 180, source: "GGA", altitudeM: 123_456_789_012.25, hdop: 1.0, fixQuality: 4),
            GPSFixPayload(lat: .nan, lon: .infinity, source: "eseal", speedKmh: -.infinity, io: [:]),
            GPSFixPayload(lat: 1e-7, lon: 1e21, source: "gt06-0x12", courseDeg: 359.99999999999994, satellites: 12),
        ]
        // Each optional member alone, so every comma and brace placement is reached.
        for drop in 0..<12 {
            var p = full
            switch drop {
            case 0: p.altitudeM = nil
            case 1: p.courseDeg = nil
            case 2: p.eventIO = nil
            case 3: p.fixQuality = nil
            case 4: p.hdop = nil
            case 5: p.io = nil
            case 6: p.priority = nil
            case 7: p.satellites = nil
            case 8: p.sentence = nil
            case 9: p.speedKmh = nil
            case 10: p.talker = nil
            default: p = GPSFixPayload(lat: p.lat, lon: p.lon, source: p.source)
            }
            payloads.append(p)
        }
        for p in payloads {
            let e = Self.event(p)
            #expect(e.jsonBytes() == Self.generic(e).jsonBytes(), "\(p)")
            // And both are what JSONEncoder writes.
            try EventJSONWriterTests.expectSameAsEncoder([e], "gps.fix payload")
        }
    }

    @Test func timesWrittenAsBytesAreTheFormattedTimes() {
        let dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1.5), Date(timeIntervalSince1970: 1_790_000_000.1235),
            Date(timeIntervalSince1970: 253_402_300_799.999), Date(timeIntervalSince1970: 253_402_300_800),
            Date(timeIntervalSince1970: -62_167_219_200), Date(timeIntervalSince1970: -62_167_219_200.001),
        ]
        for d in dates {
            var bytes: [UInt8] = Array("x".utf8)
            Timestamp.append(d, to: &bytes)
            #expect(bytes == Array(("x" + Timestamp.format(d)).utf8))
        }
    }
}
