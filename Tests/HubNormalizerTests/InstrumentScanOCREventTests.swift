import Foundation
import HubDrivers
import HubIngest
import HubModel
import HubNormalizer
import HubTesting
import Testing

/// Events of the N42, scan and OCR families: their contract fields, and validity against the
/// published schema (checked by Python's `jsonschema`, as for the portal monitor).
struct InstrumentScanOCREventTests {
    static func events(_ protocolName: String, _ bytes: [UInt8], lane: String? = nil) -> [InspectionEvent] {
        let family = DriverCatalog.family(of: protocolName)!
        let context = DeviceContext(
            device: DeviceRef(id: "\(protocolName)-1", profile: protocolName, family: family), site: "gate-3", lane: lane)
        var decoder = FeedDecoder(protocolName: protocolName, context: context, options: DriverOptions(), ids: EventIDGenerator())!
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        return decoder.push(bytes[...], receivedAt: at).events + decoder.finish(receivedAt: at).events
    }

    static let ocrFeed = """
        OCR,3,2026-01-31T08:15:02.120Z,CONTAINER,CSQU 305438 3,97,rear\r
        OCR,3,2026-01-31T08:15:03Z,CONTAINER,CSQU3O54383,90,rear\r
        OCR,3,2026-01-31T08:15:04Z,CONTAINER,CSQU3054386,80,rear,99;99;99;99;99;99;99;99;99;99;40\r
        OCR,3,2026-01-31T08:15:05Z,CONTAINER,CSQU3054386,80\r
        OCR,3,2026-01-31T08:15:06Z,CONTAINER,ABC,30\r
        OCR,3,,PLATE,51c-123.45,88,front\r

        """

    @Test func n42CorpusEventsMatchTheSchema() throws {
        var lines: [String] = []
        for file in try Corpus.files(in: "n42", extensions: ["n42", "N42", "xml"]) {
            let events = Self.events("n42", [UInt8](try Data(contentsOf: file)))
            #expect(!events.isEmpty, "\(file.lastPathComponent)")
            lines += try events.map { try $0.jsonLine() }
        }
        #expect(lines.count == 490 + 9 + 5 + 1 + 1 + 1 + 1)
        let result = try EventSchemaTests.validate(lines)
        #expect(result.status == 0, "\(result.report.prefix(2000))")
    }

    @Test func measurementEventsCarryCountsTimesAndOneRawRecord() throws {
        let events = Self.events("n42", try Corpus.bytes("n42/Q67_Mobile.N42"))
        let m = events.filter { $0.kind == "radiation.measurement" }
        #expect(m.count == 490)
        #expect(Set(events.map(\.raw.sha256)).count == 1, "every event points at the one archived document")
        let first = try #require(m.first)
        #expect(first.observedAt == Timestamp.parse("2024-08-15T19:56:49Z"))
        #expect(first.data["startedAt"] == "2024-08-15T19:56:49.000Z")
        #expect(first.data["gammaCounts"] == .double(3795))
        #expect(first.data["neutronCounts"] == .double(2))
        #expect(first.data["doseRateUSvH"] == .double(0.05005))
        #expect(first.data["lat"] == .double(46.28628))
        guard case .array(let spectra) = first.data["spectra"], case .object(let s0) = spectra.first else {
            Issue.record("no spectra")
            return
        }
        #expect(s0["channelCount"] == 1024 && s0["totalCounts"] == .double(1869) && s0["liveTimeS"] == .double(0.99959))
        #expect(s0["energyCalibration"] == .array([.double(0), .double(3)]))
        let alarms = events.filter { $0.kind == "radiation.alarm" }
        #expect(alarms.count == 9 && alarms.allSatisfy { $0.severity == .alarm && $0.data["source"] == "instrument" })
        let d3s = Self.events("n42", try Corpus.bytes("n42/SGM200615_SearchMode_1.xml"))
        #expect(d3s.first?.data["warnings"] != nil)
    }

    @Test func ocrEventsValidateRepairOrRefuseContainerNumbers() throws {
        let events = Self.events("ocr", Array(Self.ocrFeed.utf8))
        #expect(events.count == 6)
        #expect(events.allSatisfy { $0.kind == "ocr.read" && $0.lane == "3" })
        // Valid as read.
        #expect(events[0].subject.containers == ["CSQU3054383"] && events[0].data["containerValid"] == true)
        #expect(events[0].data["repairedFrom"] == nil)
        // A letter O where a digit belongs: repaired.
        #expect(events[1].subject.containers == ["CSQU3054383"] && events[1].data["containerValid"] == false)
        #expect(events[1].data["repairedFrom"] == "CSQU3O54383")
        // A wrong check digit the camera was unsure of: repaired by its per-character confidences.
        #expect(events[2].subject.containers == ["CSQU3054383"])
        #expect(events[2].data["repairedFrom"] == "CSQU3054386")
        // The same without confidences: several repairs are equally likely, so none is trusted.
        #expect(events[3].subject.containers == nil, "\(events[3].data)")
        #expect(events[3].severity == .warning)
        guard case .array(let candidates) = events[3].data["candidates"] else {
            Issue.record("no candidates")
            return
        }
        #expect(candidates.count > 1)
        #expect(events[4].subject.containers == nil && events[4].data["reason"] == "length")
        #expect(events[5].subject.plates == ["51C12345"] && events[5].observedAt == events[5].receivedAt)
        let result = try EventSchemaTests.validate(try events.map { try $0.jsonLine() })
        #expect(result.status == 0, "\(result.report)")
    }

    @Test func scanEventsNormalizeContainersAndPlates() throws {
        let events = Self.events("scan", Array((ScanSamples.suspect + ScanSamples.clear).utf8), lane: nil)
        #expect(events.map(\.kind) == ["scan.result", "scan.result"])
        let s = events[0]
        #expect(s.subject.containers == ["CSQU3054383"], "the valid one, normalized")
        #expect(s.subject.plates == ["51C12345"])
        #expect(s.lane == "2", "from the document when the device has no lane configured")
        #expect(s.severity == .alarm, "the operator sent it to inspection")
        #expect(s.observedAt == Timestamp.parse("2026-01-31T08:15:42.5Z"))
        #expect(s.data["atdResult"] == "suspect" && s.data["durationS"] == .double(42.5))
        guard case .array(let invalid) = s.data["containersInvalid"] else {
            Issue.record("invalid container not reported")
            return
        }
        #expect(invalid == [.object(["text": "MSCU1234567", "reason": "check digit"])])
        #expect(events[1].severity == .info && events[1].subject.containers == ["MSCU1234566"])
        let result = try EventSchemaTests.validate(try events.map { try $0.jsonLine() })
        #expect(result.status == 0, "\(result.report)")
    }

    @Test func theScanResultSchemaAcceptsWhatTheDecoderAcceptsAndRefusesWhatItRefuses() throws {
        let dir = try TemporaryDirectory("scan-schema")
        let bad = #"{"schema":"niihub.scan-result/1","scanId":"x","scanner":{"id":"s"},"startedAt":"2026-01-31T08:00:00Z","atd":{"result":"clear","regions":[{"x":1,"y":1,"width":1,"height":1}]},"colour":1}"#
        let docs = [ScanSamples.suspect, ScanSamples.clear, bad]
        for (i, d) in docs.enumerated() { try dir.write("d\(i).json", d) }
        #expect(ScanResultDocument.decode(Array(bad.utf8)).isFailure)
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            v = Draft202012Validator(schema)
            print(" ".join(str(len(list(v.iter_errors(json.load(open(f)))))) for f in sys.argv[2:]))
            """
        let (status, out) = try runTool(
            ["python3", "-c", script, Corpus.repositoryFile("Schemas/scan-result-v1.schema.json").path]
                + (0..<docs.count).map { dir.path("d\($0).json") })
        #expect(status == 0, "\(out)")
        let counts = out.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 3 && counts[0] == 0 && counts[1] == 0 && counts[2] >= 2, "\(out)")
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
