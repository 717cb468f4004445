import Foundation
import HubDrivers
import HubIngest
import HubModel
import HubNormalizer
import HubTesting
import Testing

/// Events the normalizer makes from real feeds, validated against the published JSON Schema by an
/// independent validator (Python's `jsonschema`, Draft 2020-12).
struct EventSchemaTests {
    static func events(from file: String) throws -> [InspectionEvent] {
        try batches(from: file).flatMap(\.events)
    }

    /// The feed's batches: its events with the raw records they point at.
    static func batches(from file: String) throws -> [IngestBatch] {
        let context = DeviceContext(
            device: DeviceRef(id: "rpm-1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate-3",
            lane: "2", thresholds: ["gammaBackgroundHighCps": 1545])
        var decoder = FeedDecoder(protocolName: "rpm", context: context, options: DriverOptions(), ids: EventIDGenerator())!
        return [decoder.push(try Corpus.bytes(file)[...], receivedAt: Date()), decoder.finish(receivedAt: Date())]
    }

    /// Runs the validator over JSON lines; returns its report (empty when all are valid).
    static func validate(_ lines: [String]) throws -> (status: Int32, report: String) {
        let dir = try TemporaryDirectory("schema")
        let events = try dir.write("events.jsonl", lines.joined(separator: "\n") + "\n")
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            v = Draft202012Validator(schema)
            bad = 0
            for n, line in enumerate(open(sys.argv[2]), 1):
                for e in v.iter_errors(json.loads(line)):
                    bad += 1
                    print(f"line {n}: {list(e.absolute_path)}: {e.message}")
            sys.exit(1 if bad else 0)
            """
        let r = try runTool(["python3", "-c", script, Corpus.repositoryFile("Schemas/inspection-event-v1.schema.json").path, events])
        return (r.status, r.output)
    }

    @Test func eventsFromBothCorpusFeedsMatchTheSchema() throws {
        let events = try Self.events(from: "rpm/S2-C3-NORM2.csv") + Self.events(from: "rpm/S2-C0-NONE.csv")
        #expect(Set(events.map(\.kind)) == ["radiation.occupancy-start", "radiation.occupancy", "radiation.alarm", "radiation.background"])
        #expect(events.contains { $0.kind == "radiation.background" && $0.severity == .warning },
                "a background above the profile's limit is flagged")
        let result = try Self.validate(try events.map { try $0.jsonLine() })
        #expect(result.status == 0, "\(result.report)")
    }

    @Test func theValidatorCatchesABrokenOccupancyStart() throws {
        var start = try #require(try Self.events(from: "rpm/S2-C0-NONE.csv").first { $0.kind == "radiation.occupancy-start" })
        start.severity = .alarm
        start.data["startedAt"] = nil
        let result = try Self.validate([try start.jsonLine()])
        #expect(result.status == 1)
        #expect(result.report.contains("startedAt") && result.report.contains("'info' was expected"), "\(result.report)")
    }

    @Test func theValidatorCatchesABrokenEvent() throws {
        var event = try #require(try Self.events(from: "rpm/S2-C3-NORM2.csv").first { $0.kind == "radiation.occupancy" })
        event.data["gammaAlarm"] = "yes"
        event.schema = "niihub.event/2"
        let result = try Self.validate([try event.jsonLine()])
        #expect(result.status == 1)
        #expect(result.report.contains("gammaAlarm"))
        #expect(result.report.contains("niihub.event/1"))
    }

    @Test func occupancyCarriesTheContractFields() throws {
        let occ = try #require(try Self.events(from: "rpm/S2-C3-NORM2.csv").first { $0.kind == "radiation.occupancy" })
        #expect(occ.data["gammaAlarm"] == .bool(true))
        #expect(occ.data["neutronAlarm"] == .bool(false))
        #expect(occ.data["startedAt"] == .string("2016-06-01T22:05:00.378Z"))
        #expect(occ.data["endedAt"] == .string("2016-06-01T22:05:11.151Z"))
        #expect(occ.data["occupancyNumber"] == .int(109))
        #expect(occ.data["maxGammaCps"]?.doubleValue == 3885)
        #expect(occ.data["speedKmh"]?.doubleValue == 8.07)
        #expect(occ.observedAt == Timestamp.parse("2016-06-01T22:05:11.151Z"))
        #expect(occ.severity == .alarm)
        #expect(occ.site == "gate-3" && occ.lane == "2")
    }
}


extension EventSchemaTests {
    @Test func occupancyStartIsInfoAtTheFirstLineAndPointsAtThatLine() throws {
        let batches = try Self.batches(from: "rpm/S2-C3-NORM2.csv")
        let events = batches.flatMap(\.events)
        let starts = events.filter { $0.kind == "radiation.occupancy-start" }
        let occupancies = events.filter { $0.kind == "radiation.occupancy" }
        #expect(starts.count == 25 && occupancies.count == 25)
        // Each start comes before its vehicle's alarm and occupancy, and carries the occupancy's start.
        #expect(starts.map { $0.data["startedAt"] } == occupancies.map { $0.data["startedAt"] })
        #expect(starts.allSatisfy { $0.severity == .info && $0.observedAt == Timestamp.parse($0.data["startedAt"]?.stringValue ?? "") })
        let first = try #require(starts.first)
        #expect(first.data == ["startedAt": .string("2016-06-01T22:05:00.378Z")])
        #expect(first.site == "gate-3" && first.lane == "2")
        let index = try #require(events.firstIndex { $0.id == first.id })
        let alarm = try #require(events.firstIndex { $0.kind == "radiation.alarm" })
        let end = try #require(events.firstIndex { $0.kind == "radiation.occupancy" })
        #expect(index < alarm && alarm < end)
        // Its raw record is the one line that opened the occupancy, as the monitor sent it.
        let records = Dictionary(batches.flatMap(\.records).map { ($0.sha256, $0) }, uniquingKeysWith: { a, _ in a })
        let raw = try #require(records[first.raw.sha256])
        #expect(String(decoding: raw.bytes, as: UTF8.self) == "NS,000003,000000,000002,000000,2016-06-01 15:05:00.378 -07\r\n")
        #expect(raw.frameCount == 1)
    }
}

/// The kinds the published schema gives a payload to are the kinds the code names.
struct EventKindSchemaTests {
    @Test func everyKindTheSchemaDescribesIsNamedInEventKind() throws {
        let text = try String(contentsOf: Corpus.repositoryFile("Schemas/inspection-event-v1.schema.json"), encoding: .utf8)
        let regex = /"kind":\s*\{\s*"const":\s*"([a-z0-9.-]+)"\s*\}/
        let described = Set(text.matches(of: regex).map { String($0.output.1) })
        #expect(described.count >= 9, "\(described)")
        #expect(described.subtracting(EventKind.all).isEmpty, "not in EventKind: \(described.subtracting(EventKind.all).sorted())")
        #expect(Set(EventKind.all).count == EventKind.all.count)
    }
}
