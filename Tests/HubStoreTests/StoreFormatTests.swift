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
}
