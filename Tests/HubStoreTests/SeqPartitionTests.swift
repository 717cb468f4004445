import Foundation
import GRDB
import HubModel
@testable import HubStore
import HubTesting
import Testing

/// The raw records' hash index and the link keys are partitioned by seq (`SeqPartition`): lookups
/// find rows in every partition, every statement that reads them probes the partitions instead of
/// scanning, and a store from before the partitions is upgraded when it opens.
struct SeqPartitionTests {
    typealias F = ChainFixtures
    static let container = "CSQU3054383"
    static let seal = "ES-71"

    /// An event naming the container and the seal, with its raw record.
    static func sighting(_ n: Int) -> IngestBatch {
        let r = F.record("sighting \(n)\r\n", device: "cam-1", daysAgo: 1)
        let at = F.now.addingTimeInterval(Double(n))
        let e = InspectionEvent(
            id: F.ids.next(at: at), kind: "ocr.read", device: DeviceRef(id: "cam-1", profile: "gate-ocr-camera", family: "gate-ocr"),
            site: "gate-3", lane: "1", observedAt: at, receivedAt: at,
            subject: Subject(containers: [container], seals: [seal]), data: ["n": .int(Int64(n))], severity: .info, raw: r.ref)
        return IngestBatch(records: [r], events: [e])
    }

    /// Moves the next seq of both chained tables to `seq`, as a store grown that far would have it.
    static func skip(_ path: String, to seq: Int64) throws {
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE chain_heads SET seq = ? WHERE tbl IN ('events', 'raw_records')", arguments: [seq - 1])
        }
    }

    static func declaration() -> Declaration {
        var d = LinkOrderTests.declaration("D1", containers: [container], plates: [])
        d.seals = [seal]
        return d
    }

    @Test func rowsAreFoundInEveryPartition() async throws {
        let dir = try TemporaryDirectory("seq-partitions")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        let saved = try await store.save(Self.declaration(), at: F.now).declaration
        let one = Int64(1) << Int64(SeqPartition.shift)
        // Seq 1; then the last of partition 0 and the first of 1 in one commit; then one in partition 3.
        var batches = [Self.sighting(0)]
        try await store.append(batches[0])
        try Self.skip(path, to: one - 1)
        batches.append(Self.sighting(1))
        batches.append(Self.sighting(2))
        try await store.append(IngestBatch(records: batches[1].records + batches[2].records, events: batches[1].events + batches[2].events))
        try Self.skip(path, to: 3 * one + 5)
        batches.append(Self.sighting(3))
        try await store.append(batches[3])

        let parts = try await DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT e.seq, k.part FROM event_keys k JOIN events e ON e.id = k.event_id WHERE k.kind = 'container' ORDER BY e.seq")
                .map { [$0["seq"] as Int64, $0["part"] as Int64] }
        }
        #expect(parts == [[1, 0], [one - 1, 0], [one, 1], [3 * one + 5, 3]])

        for b in batches {
            let r = b.records[0]
            #expect(try await store.rawRecords(sha256: r.sha256).map(\.bytes) == [r.bytes], "raw record \(r.sha256)")
            #expect(try await store.links(event: b.events[0].id).map(\.declaration) == ["D1", "D1"], "container and seal")
        }
        let linked = try await store.links(declaration: "D1").filter { $0.kind == "container" }.map(\.eventID)
        #expect(linked == batches.map { $0.events[0].id })
        var q = EventQuery()
        q.seal = Self.seal
        #expect(try await store.events(q).events.map(\.id) == batches.map { $0.events[0].id })

        // The risk backlog finds an event stored after the assessment in a later partition.
        let assessment = RiskBacklogTests.assessment("D1", version: saved.version, n: 9)
        try await store.append(IngestBatch(events: [assessment]))
        #expect(try await store.declarationsAwaitingAssessment() == [])
        try Self.skip(path, to: 5 * one)
        try await store.append(Self.sighting(4))
        #expect(try await store.declarationsAwaitingAssessment() == ["D1"])

        // The partitions searched run from the newest row's down to the oldest row's.
        let searched = { try await DatabaseQueue(path: path).read { db in
            try Int64.fetchAll(db, sql: "SELECT n FROM \(SeqPartition.all(of: "events"))") } }
        #expect(try await searched() == [5, 4, 3, 2, 1, 0])
        try F.tamper(path, "DELETE FROM events WHERE seq < ?", arguments: [one])
        #expect(try await searched() == [5, 4, 3, 2, 1], "partition 0 emptied by a purge")
    }

    /// Each statement that reads the link keys, and the index its plan must search them by.
    static let keyLookups: [(sql: String, index: String)] = [
        (SQLiteEventStore.LinkSQL.byDeclaration, "PRIMARY KEY (part=? AND kind=? AND value=?)"),
        (SQLiteEventStore.LinkSQL.byEvents(1), "INDEX event_keys_event (event_id=?)"),
        (SQLiteEventStore.LinkSQL.byEvents(3), "INDEX event_keys_event (event_id=?)"),
        (SQLiteEventStore.riskBacklogSQL, "PRIMARY KEY (part=? AND kind=? AND value=?)"),
    ]

    static func plan(_ db: Database, _ sql: String) throws -> [String] {
        let marks = sql.filter { $0 == "?" }.count
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(Array(repeating: "x", count: marks)))
            .map { $0["detail"] }
    }

    @Test func everyReadOfTheLinkKeysProbesThePartitions() async throws {
        let dir = try TemporaryDirectory("seq-partition-plans")
        let path = dir.path("hub.sqlite")
        _ = try SQLiteEventStore(path: path)
        var q = EventQuery()
        q.seal = Self.seal
        let sealQuery = try q.statement(.sqlite).sql
        try await DatabaseQueue(path: path).read { db in
            for l in Self.keyLookups + [(sealQuery, "PRIMARY KEY (part=? AND kind=? AND value=?)")] {
                let steps = try Self.plan(db, l.sql)
                let searches = ["SEARCH e ", "SEARCH k ", "SEARCH event_keys "]
                #expect(steps.contains { step in searches.contains { step.hasPrefix($0) } && step.hasSuffix(l.index) }, "\(l.sql): \(steps)")
                #expect(!steps.contains { $0.hasPrefix("SCAN e") || $0.hasPrefix("SCAN k") || $0.hasPrefix("SCAN event_keys") }, "\(l.sql): \(steps)")
            }
        }
    }

    @Test func aStoreFromBeforeThePartitionsIsUpgradedWhenItOpens() async throws {
        let dir = try TemporaryDirectory("seq-partition-upgrade")
        let path = dir.path("hub.sqlite")
        let batches = (0..<3).map(Self.sighting)
        try await F.storeBefore("v16-seq-partitions", at: path, with: batches)
        #expect(try F.count(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'raw_records_sha256_prefix'") == 1)

        let store = try SQLiteEventStore(path: path)
        _ = try await store.save(Self.declaration(), at: F.now)
        #expect(try F.count(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'raw_records_sha256_prefix'") == 0)
        #expect(try F.count(path, "SELECT COUNT(*) FROM event_keys WHERE part = 0") == 6, "a container and a seal per event")
        #expect(try await store.links(declaration: "D1").count == 6)
        for b in batches {
            #expect(try await store.rawRecords(sha256: b.records[0].sha256).count == 1)
        }
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
    }
}
