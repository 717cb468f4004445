import Foundation
import GRDB
import HubModel
import HubStore
import HubTesting
import Testing

/// A store written by the previous release (`Tests/Fixtures/store-15e1eed.sqlite.gz`, events with an
/// untyped `data` dictionary inside) is read by this one unchanged: every event decodes, writes back
/// to the very bytes stored, comes out typed when its kind has a payload type, and the hash chain
/// over the stored bodies still verifies.
struct StoreFormatTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-15e1eed.sqlite.gz")

    /// The fixture, unpacked into `dir`.
    static func unpack(into dir: TemporaryDirectory) throws -> String {
        let path = dir.path("hub.sqlite")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc", fixture.path]
        FileManager.default.createFile(atPath: path, contents: nil)
        gzip.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        return path
    }

    @Test func aStoreWrittenByThePreviousReleaseReadsUnchanged() async throws {
        let dir = try TemporaryDirectory("store-format")
        let path = try Self.unpack(into: dir)
        // The bodies exactly as the previous release wrote them.
        let stored = try await DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, body FROM events ORDER BY seq").map {
                (id: $0["id"] as String, kind: $0["kind"] as String, body: $0["body"] as String)
            }
        }
        #expect(stored.count == 289)

        let store = try SQLiteEventStore(path: path)
        var events: [InspectionEvent] = []
        var query = EventQuery()
        query.limit = EventQuery.maxLimit
        while true {
            let page = try await store.events(query)
            events += page.events
            guard let next = page.next else { break }
            query.cursor = next
        }
        #expect(events.map(\.id) == stored.map(\.id))
        for (event, row) in zip(events, stored) {
            #expect(try event.jsonLine() == row.body, "\(row.kind) \(row.id) writes back other bytes")
            if EventPayload.hasType(forKind: row.kind) {
                #expect(event.payload.isTyped, "\(row.kind) \(row.id) stays untyped: \(row.body)")
            }
        }
        let kinds = Set(stored.map(\.kind))
        #expect(kinds.isSuperset(of: [
            EventKind.occupancyStart, EventKind.occupancy, EventKind.radiationAlarm, EventKind.radiationMeasurement,
            EventKind.radiationBackground, EventKind.ocrRead, EventKind.scanResult, EventKind.gpsFix, EventKind.sealStatus,
            EventKind.deviceStatus, EventKind.passage, EventKind.riskAssessment, EventKind.transitDeviation,
        ]))
        #expect(try await store.verify().intact, "the chain over the stored bodies verifies")
    }

    /// Every event of the recorded store, the hub's own (passages, device states, risk, transit
    /// findings) among them, is valid under the published schema (Python's `jsonschema`, Draft
    /// 2020-12, reading the SQLite file itself).
    @Test func everyStoredEventMatchesThePublishedSchema() throws {
        let dir = try TemporaryDirectory("store-schema")
        let path = try Self.unpack(into: dir)
        let script = """
            import json, sqlite3, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            v = Draft202012Validator(schema)
            n = bad = 0
            for kind, body in sqlite3.connect(sys.argv[2]).execute("SELECT kind, body FROM events ORDER BY seq"):
                n += 1
                for e in v.iter_errors(json.loads(body)):
                    bad += 1
                    print(f"{kind}: {list(e.absolute_path)}: {e.message}")
            print(f"{n} events, {bad} errors")
            sys.exit(1 if bad else 0)
            """
        let r = try runTool(["python3", "-c", script, Corpus.repositoryFile("Schemas/inspection-event-v1.schema.json").path, path])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("289 events, 0 errors"), "\(r.output)")
    }
}

