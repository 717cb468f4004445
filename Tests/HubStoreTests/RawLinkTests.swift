import Foundation
import GRDB
import HubModel
@testable import HubStore
import HubTesting
import Testing

/// Events point at their raw record by seq (`RawLinks`): the copy stored with them, else the last
/// stored copy of the hash; retention keeps every record an event points at, by seq for
/// new events and by hash for those stored before `raw_seq`.
struct RawLinkTests {
    typealias F = ChainFixtures

    /// Each event's `raw_seq`, 0 where it is NULL (seqs start at 1).
    static func rawSeqs(_ path: String) throws -> [String: Int64] {
        try DatabaseQueue(path: path).read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, raw_seq FROM events").map {
                ($0["id"] as String, $0["raw_seq"] as Int64? ?? 0)
            })
        }
    }

    static func seq(_ path: String, of record: RawRecord) throws -> [Int64] {
        try DatabaseQueue(path: path).read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM raw_records WHERE sha256 = ? ORDER BY seq", arguments: [record.sha256])
        }
    }

    @Test func anEventPointsAtTheCopyStoredWithItElseTheLastCopy() async throws {
        let dir = try TemporaryDirectory("raw-links")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        let frame = F.record("GA,001234,001300\r\n", daysAgo: 40)
        let first = F.event("radiation.alarm", raw: frame, daysAgo: 40)
        // The same bytes again later (a repeated frame): a second copy, with its own event.
        let again = F.event("radiation.alarm", raw: frame, daysAgo: 35)
        // A forwarded event whose record the store already had: no record comes with it.
        let forwarded = F.event("radiation.alarm", raw: frame, daysAgo: 34)
        try await store.append(IngestBatch(records: [F.record("other\r\n", daysAgo: 40), frame], events: [first]))
        try await store.append(IngestBatch(records: [frame], events: [again]))
        try await store.append(IngestBatch(events: [forwarded]))

        let copies = try Self.seq(path, of: frame)
        #expect(copies == [2, 3])
        let links = try Self.rawSeqs(path)
        #expect(links[first.id] == 2, "the copy stored in the same transaction, not the batch's first record")
        #expect(links[again.id] == 3)
        #expect(links[forwarded.id] == 3, "the last stored copy")

        // Every copy an event points at stays; an unreferenced record goes.
        let policy = RetentionPolicy(
            defaultAge: RetentionAge("5y"), kinds: [:], rawAge: RetentionAge("30d"), batchRows: 10, pauseSeconds: 0)
        let runs = try await RetentionPurger(store: store, policy: policy).purge(now: F.now)
        #expect(runs.first { $0.target == "raw_records" }?.rows == 1)
        #expect(try Self.seq(path, of: frame) == [2, 3])
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
    }

    @Test func retentionTakesACopyNoEventPointsAtOnceItsEventsAreGone() async throws {
        let dir = try TemporaryDirectory("raw-links")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        let frame = F.record("GS,000120,000118\r\n", daysAgo: 90)
        try await store.append(IngestBatch(records: [frame], events: [F.event("radiation.background", raw: frame, daysAgo: 90)]))
        try await store.append(IngestBatch(records: [frame], events: [F.event("radiation.alarm", raw: frame, daysAgo: 40)]))
        // Background readings kept 60 days, alarms five years, raw records 30 days.
        let policy = RetentionPolicy(
            defaultAge: RetentionAge("5y"), kinds: ["radiation.background": RetentionAge("60d")!], rawAge: RetentionAge("30d"),
            batchRows: 10, pauseSeconds: 0)
        let runs = try await RetentionPurger(store: store, policy: policy).purge(now: F.now)
        #expect(runs.first { $0.target == "events kind=radiation.background" }?.rows == 1)
        #expect(try Self.seq(path, of: frame) == [2], "the background reading's copy went with it; the alarm's stays")
        let cutoff = Timestamp.format(F.now.addingTimeInterval(-30 * 86_400))
        await #expect(throws: DatabaseError.self, "the trigger refuses it too, even under a permit") {
            try await DatabaseQueue(path: path).write { db in
                try db.execute(sql: "INSERT INTO retention_permits VALUES ('raw_records', NULL, '\(cutoff)')")
                try db.execute(sql: "DELETE FROM raw_records WHERE seq = 2")
            }
        }
    }

    @Test func aStoreFromBeforeRawSeqKeepsItsEventsRecordsByHash() async throws {
        let dir = try TemporaryDirectory("raw-links-upgrade")
        let path = dir.path("hub.sqlite")
        let old = F.record("GA,001234,001300\r\n", daysAgo: 100)
        let orphan = F.record("orphan\r\n", daysAgo: 31)
        try await F.storeBefore(
            "v15-events-raw-seq", at: path,
            with: [IngestBatch(records: [old], events: [F.event("radiation.alarm", raw: old, daysAgo: 100)]), IngestBatch(records: [orphan])])
        #expect(try HashPrefixIndexTests.indexes(path).contains("events_raw_prefix"))

        let store = try SQLiteEventStore(path: path)
        let names = try HashPrefixIndexTests.indexes(path)
        #expect(names.isSuperset(of: HashPrefixIndexTests.rawLinkIndexes))
        #expect(names.isDisjoint(with: HashPrefixIndexTests.replacedIndexes))
        try HashPrefixIndexTests.expectLookupsUseThePrefixIndexes(path)
        let fresh = F.record("GA,000020,000019\r\n", daysAgo: 60)
        let event = F.event("radiation.alarm", raw: fresh, daysAgo: 60)
        try await store.append(IngestBatch(records: [fresh], events: [event]))
        let links = try Self.rawSeqs(path)
        #expect(links.values.filter { $0 == 0 }.count == 1, "the old event is not rewritten")
        #expect(links[event.id] == 3)

        let policy = HashPrefixIndexTests.rawOnly
        let runs = try await RetentionPurger(store: store, policy: policy).purge(now: F.now)
        #expect(runs.first { $0.target == "raw_records" }?.rows == 1, "only the orphan goes")
        #expect(try Self.seq(path, of: old) == [1], "the old event still keeps its record, found by hash")
        #expect(try Self.seq(path, of: fresh) == [3])
        let cutoff = Timestamp.format(F.now.addingTimeInterval(-30 * 86_400))
        for seq in [1, 3] {
            await #expect(throws: DatabaseError.self, "record \(seq) has an event: the trigger refuses") {
                try await DatabaseQueue(path: path).write { db in
                    try db.execute(sql: "INSERT INTO retention_permits VALUES ('raw_records', NULL, '\(cutoff)')")
                    try db.execute(sql: "DELETE FROM raw_records WHERE seq = ?", arguments: [seq])
                }
            }
        }
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
    }
}
