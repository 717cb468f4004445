import Foundation
import GRDB
import HubModel
import HubStore
import HubTesting
import Testing

/// Purging by age per kind on a real SQLite file: exactly the aged-out rows go, in small batches,
/// the chain still verifies, and nothing else can delete.
struct RetentionTests {
    typealias F = ChainFixtures

    static let policy = RetentionPolicy(
        defaultAge: RetentionAge("5y"), kinds: ["radiation.background": RetentionAge("90d")!, "device.*": RetentionAge("1y")!],
        rawAge: RetentionAge("30d"), batchRows: 2, pauseSeconds: 0)

    /// Events of three kinds at ages either side of their limits, interleaved, and raw records
    /// either side of the raw limit, one of them shared by a purged and a kept event.
    static func store(_ dir: TemporaryDirectory) async throws -> (SQLiteEventStore, String, shared: RawRecord) {
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        let shared = F.record("GA,001234,001300\r\n", daysAgo: 100)
        for i in 0..<5 {
            try await store.append(F.batch("radiation.background", i, daysAgo: 100 + Double(i)))
            try await store.append(F.batch("device.status", i, daysAgo: i < 3 ? 400 : 200))
            try await store.append(F.batch("radiation.alarm", i, daysAgo: 400))
        }
        var b = IngestBatch(records: [shared], events: [F.event("radiation.background", raw: shared, daysAgo: 100)])
        b.events.append(F.event("radiation.alarm", raw: shared, daysAgo: 100))
        b.events.append(F.event("device.status", raw: shared, daysAgo: 500, containers: ["CSQU3054383"]))
        try await store.append(b)
        try await store.append(F.batch("radiation.background", 9, daysAgo: 10))
        try await store.append(IngestBatch(records: [F.record("orphan old\r\n", daysAgo: 31), F.record("orphan new\r\n", daysAgo: 29)]))
        return (store, path, shared)
    }

    @Test func eachKindLosesOnlyWhatOutlivedItsAgeAndTheChainStillVerifies() async throws {
        let dir = try TemporaryDirectory("retention")
        let (store, path, shared) = try await Self.store(dir)
        #expect(try await store.counts().events == 19)
        #expect(try F.count(path, "SELECT COUNT(*) FROM event_keys") == 1)

        let runs = try await RetentionPurger(store: store, policy: Self.policy).purge(now: F.now)
        try #require(runs.map(\.target) == ["events kind=device.status", "events kind=radiation.background", "raw_records"])
        #expect(runs.map(\.rows) == [4, 6, 9])
        #expect(runs.prefix(2).map(\.batches) == [2, 3], "two rows per transaction")

        func kinds() throws -> [String] {
            try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT kind || ':' || COUNT(*) FROM events GROUP BY kind ORDER BY kind") }
        }
        #expect(try kinds() == ["device.status:2", "radiation.alarm:6", "radiation.background:1"])
        #expect(try F.count(path, "SELECT COUNT(*) FROM event_keys") == 0, "a purged event's link keys go with it")
        // Kept: the alarms' and young events' records, the shared one (a kept alarm points at it), the young orphan.
        #expect(try await store.rawRecords(sha256: shared.sha256).count == 1)
        #expect(try F.count(path, "SELECT COUNT(*) FROM raw_records") == 5 + 2 + 1 + 1 + 1)
        #expect(try F.count(path, "SELECT COUNT(*) FROM raw_records WHERE bytes = CAST('orphan old\r\n' AS BLOB)") == 0)

        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables.map(\.purgedRows) == [9, 10])
        #expect(report.purges == 5 + runs[2].batches)
        let audit = try await store.auditEntries(action: "retention.purge")
        #expect(Set(audit.map { $0.target ?? "" }) == Set(runs.map(\.target)))
        #expect(audit.allSatisfy { $0.actor == "retention" && $0.detail?.contains("in ") == true })

        // Ingest goes on from the same heads, and a second pass finds nothing more.
        try await store.append(F.batch("radiation.background", 50, daysAgo: 0))
        #expect(try await RetentionPurger(store: store, policy: Self.policy).purge(now: F.now).isEmpty)
        #expect(try await store.verify().intact)
        // A row removed after a purge is still caught.
        try F.tamper(path, "DELETE FROM events WHERE kind = 'radiation.alarm' AND seq = (SELECT MIN(seq) FROM events)")
        #expect(try await store.verify().tables[1].broken.first?.problem.contains("missing and not in the purge ledger") == true)
    }

    @Test func theTriggersStillRefuseEveryOtherDeletion() async throws {
        let dir = try TemporaryDirectory("retention")
        let (_, path, shared) = try await Self.store(dir)
        let db = try DatabaseQueue(path: path)
        let old = Timestamp.format(F.now.addingTimeInterval(-50 * 86_400))
        let attempts: [(permit: String?, sql: String)] = [
            (nil, "DELETE FROM events WHERE kind = 'device.status'"),
            (nil, "DELETE FROM raw_records WHERE bytes = CAST('orphan old\r\n' AS BLOB)"),
            // A permit for another kind, or a row younger than the permit's cutoff, does not do.
            ("INSERT INTO retention_permits VALUES ('events', 'radiation.alarm', '\(old)')", "DELETE FROM events WHERE kind = 'device.status'"),
            ("INSERT INTO retention_permits VALUES ('events', 'radiation.background', '\(old)')",
             "DELETE FROM events WHERE kind = 'radiation.background' AND received_at > '\(old)'"),
            // A raw record a kept event points at, even an old one.
            ("INSERT INTO retention_permits VALUES ('raw_records', NULL, '\(old)')", "DELETE FROM raw_records WHERE sha256 = '\(shared.sha256)'"),
            ("INSERT INTO purges (at, tbl, rows, first_seq, last_seq, reason) VALUES ('x', 'events', 0, 0, 0, 'x')", "DELETE FROM purges"),
            ("INSERT INTO purged_ranges VALUES ('events', 1, 1, x'00', 1)", "DELETE FROM purged_ranges"),
            (nil, "UPDATE raw_records SET chain = NULL"),
        ]
        for a in attempts {
            await #expect(throws: DatabaseError.self, "\(a.sql)") {
                try await db.write { db in
                    if let p = a.permit { try db.execute(sql: p) }
                    try db.execute(sql: a.sql)
                }
            }
        }
        #expect(try F.count(path, "SELECT COUNT(*) FROM events") == 19)
        #expect(try F.count(path, "SELECT COUNT(*) FROM raw_records") == 19)
        #expect(try await SQLiteEventStore(path: path).verify().intact)
    }
}
