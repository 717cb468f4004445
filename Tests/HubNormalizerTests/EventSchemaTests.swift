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
        let context = DeviceContext(
            device: DeviceRef(id: "rpm-1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate-3",
            lane: "2", thresholds: ["gammaBackgroundHighCps": 1545])
        var decoder = FeedDecoder(protocolName: "rpm", context: context, options: DriverOptions(), ids: EventIDGenerator())!
        return decoder.push(try Corpus.bytes(file)[...], receivedAt: Date()).events + decoder.finish(receivedAt: Date()).events
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
        #expect(Set(events.map(\.kind)) == ["radiation.occupancy", "radiation.alarm", "radiation.background"])
        #expect(events.contains { $0.kind == "radiation.background" && $0.severity == .warning },
                "a background above the profile's limit is flagged")
        let result = try Self.validate(try events.map { try $0.jsonLine() })
        #expect(result.status == 0, "\(result.report)")
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
