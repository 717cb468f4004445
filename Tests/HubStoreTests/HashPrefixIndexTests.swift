import Foundation
import GRDB
import HubModel
@testable import HubStore
import HubTesting
import Testing

/// Raw records are found by hash through indexes on the hash's first 16 digits: every lookup's plan
/// uses them, hashes sharing a prefix are still told apart, and a store made with the full-hash
/// indexes is upgraded when it opens.
struct HashPrefixIndexTests {
    typealias F = ChainFixtures

    /// Each statement that looks up by hash, the index its plan must search, and the name the plan
    /// gives the searched table.
    static let lookups: [(sql: String, table: String, index: String)] = [
        (SQLiteEventStore.ByHash.rawRecords, "raw_records", "raw_records_sha256_part"),
        (SQLiteEventStore.ByHash.chainProof, "raw_records", "raw_records_sha256_part"),
        (SQLiteEventStore.ByHash.rawStored, "raw_records", "raw_records_sha256_part"),
        (SQLiteEventStore.ByHash.rawReferenced, "events", "events_raw_seq"),
        (SQLiteEventStore.ByHash.rawReferenced, "events", "events_raw_prefix_unlinked"),
        (RawLinks.lastCopy, "raw_records", "raw_records_sha256_part"),
        (SQLiteEventStore.ByHash.verifiedEvents, "r", "raw_records_sha256_part"),
        // The delete trigger's test, with parameters where the trigger has OLD.seq and OLD.sha256.
        (Self.triggerTest, "events", "events_raw_seq"),
        (Self.triggerTest, "events", "events_raw_prefix_unlinked"),
    ]

    static let triggerTest = "SELECT " + SQLiteEventStore.ByHash.rawReferencedInTrigger
        .replacingOccurrences(of: "OLD.sha256", with: "?").replacingOccurrences(of: "OLD.seq", with: "?")

    /// The indexes that find an event's raw record, and those they replaced.
    static let rawLinkIndexes: Set = ["raw_records_sha256_part", "events_raw_seq", "events_raw_prefix_unlinked"]
    static let replacedIndexes: Set = ["raw_records_sha256", "raw_records_sha256_prefix", "events_raw", "events_raw_prefix"]

    /// Events kept five years, raw records 30 days.
    static let rawOnly = RetentionPolicy(
        defaultAge: RetentionAge("5y"), kinds: [:], rawAge: RetentionAge("30d"), batchRows: 10, pauseSeconds: 0)

    /// The `EXPLAIN QUERY PLAN` lines of `sql`, its parameters bound to a hash.
    static func plan(_ db: Database, _ sql: String) throws -> [String] {
        let marks = sql.filter { $0 == "?" }.count
        let arguments = StatementArguments(Array(repeating: String(repeating: "ab", count: 32), count: marks))
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
    }

    /// Every lookup searches its prefix index; none scans the table it looks in.
    static func expectLookupsUseThePrefixIndexes(_ path: String) throws {
        try DatabaseQueue(path: path).read { db in
            for l in lookups {
                let steps = try Self.plan(db, l.sql)
                let searches = ["SEARCH \(l.table) USING INDEX \(l.index) (", "SEARCH \(l.table) USING COVERING INDEX \(l.index) ("]
                #expect(steps.contains { step in searches.contains { step.hasPrefix($0) } }, "\(l.sql): \(steps)")
                #expect(!steps.contains { $0.hasPrefix("SCAN \(l.table)") }, "\(l.sql): \(steps)")
            }
            let trigger = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'raw_append_only_delete'")
            #expect(trigger?.contains(SQLiteEventStore.ByHash.rawReferencedInTrigger) == true, "\(trigger ?? "no trigger")")
        }
    }

    /// The names of the indexes on the two chained tables.
    static func indexes(_ path: String) throws -> Set<String> {
        try DatabaseQueue(path: path).read { db in
            Set(try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('raw_records', 'events') AND sql IS NOT NULL"))
        }
    }

    @Test func everyLookupByHashSearchesThePrefixIndex() async throws {
        let dir = try TemporaryDirectory("hash-prefix")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        try await store.append(F.batch("radiation.alarm", 1, daysAgo: 1))
        let names = try Self.indexes(path)
        #expect(names.isSuperset(of: Self.rawLinkIndexes))
        #expect(names.isDisjoint(with: Self.replacedIndexes))
        try Self.expectLookupsUseThePrefixIndexes(path)
    }

    @Test func hashesSharingThePrefixAreToldApart() async throws {
        let dir = try TemporaryDirectory("hash-prefix")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        // Two records whose hashes differ only after the indexed digits; only the first has an event.
        let prefix = String(repeating: "7", count: HashKey.digits)
        var kept = F.record("kept\r\n", daysAgo: 40)
        kept.sha256 = prefix + String(repeating: "1", count: 64 - HashKey.digits)
        var orphan = F.record("orphan\r\n", daysAgo: 40)
        orphan.sha256 = prefix + String(repeating: "2", count: 64 - HashKey.digits)
        try await store.append(
            IngestBatch(records: [kept, orphan], events: [F.event("radiation.alarm", raw: kept, daysAgo: 40)]))

        #expect(try await store.rawRecords(sha256: kept.sha256).map(\.bytes) == [kept.bytes])
        #expect(try await store.rawRecords(sha256: orphan.sha256).map(\.bytes) == [orphan.bytes])
        #expect(try await store.rawRecords(sha256: prefix + String(repeating: "3", count: 48)).isEmpty)
        guard case .found(let proof) = try await store.rawChainProof(sha256: orphan.sha256) else {
            Issue.record("the orphan's chain proof was not found")
            return
        }
        #expect(proof.link.sha256 == orphan.sha256)

        // Retention takes the unreferenced one and keeps the one its event points at.
        let policy = Self.rawOnly
        let runs = try await RetentionPurger(store: store, policy: policy).purge(now: F.now)
        #expect(runs.first { $0.target == "raw_records" }?.rows == 1)
        #expect(try await store.rawRecords(sha256: kept.sha256).count == 1)
        #expect(try await store.rawRecords(sha256: orphan.sha256).isEmpty)
    }

    @Test func aStoreWithTheFullHashIndexesIsUpgradedWhenItOpens() async throws {
        let dir = try TemporaryDirectory("hash-prefix-upgrade")
        let path = dir.path("hub.sqlite")
        let shared = F.record("GA,001234,001300\r\n", daysAgo: 100)
        let orphanOld = F.record("orphan old\r\n", daysAgo: 31)
        let orphanNew = F.record("orphan new\r\n", daysAgo: 29)
        let batches = [
            IngestBatch(records: [shared], events: [F.event("radiation.alarm", raw: shared, daysAgo: 100)]),
            F.batch("radiation.alarm", 1, daysAgo: 60),
            IngestBatch(records: [orphanOld, orphanNew]),
        ]
        try await F.storeBefore("v9-hash-prefix-indexes", at: path, with: batches)
        #expect(try Self.indexes(path).isSuperset(of: ["raw_records_sha256", "events_raw"]))

        let store = try SQLiteEventStore(path: path)
        let names = try Self.indexes(path)
        #expect(names.isSuperset(of: Self.rawLinkIndexes))
        #expect(names.isDisjoint(with: Self.replacedIndexes))
        #expect(try F.count(path, "SELECT COUNT(*) FROM events WHERE raw_seq IS NULL") == 2, "rows are not rewritten")
        try Self.expectLookupsUseThePrefixIndexes(path)

        // Lookups, retention and the trigger answer as before.
        #expect(try await store.rawRecords(sha256: shared.sha256).map(\.bytes) == [shared.bytes])
        guard case .found = try await store.rawChainProof(sha256: orphanNew.sha256) else {
            Issue.record("the chain proof of a record stored before the upgrade was not found")
            return
        }
        let policy = Self.rawOnly
        let runs = try await RetentionPurger(store: store, policy: policy).purge(now: F.now)
        #expect(runs.first { $0.target == "raw_records" }?.rows == 1, "only the old orphan goes")
        #expect(try await store.rawRecords(sha256: orphanOld.sha256).isEmpty)
        let cutoff = Timestamp.format(F.now.addingTimeInterval(-50 * 86_400))
        await #expect(throws: DatabaseError.self, "a raw record an event points at stays, even under a permit") {
            try await DatabaseQueue(path: path).write { db in
                try db.execute(sql: "INSERT INTO retention_permits VALUES ('raw_records', NULL, '\(cutoff)')")
                try db.execute(sql: "DELETE FROM raw_records WHERE sha256 = ?", arguments: [shared.sha256])
            }
        }
        #expect(try F.count(path, "SELECT COUNT(*) FROM raw_records") == 3)
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
    }
}
