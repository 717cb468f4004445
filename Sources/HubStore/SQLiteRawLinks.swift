import Foundation
import GRDB

/// An event points at its raw record by the record's `seq` (`events.raw_seq`), not only by hash.
///
/// Retention must not delete a raw record an event points at. Until v15 that test looked the event
/// up by its `raw_sha256`, through an index on the hash: hashes arrive in random order, so each
/// stored event dirtied a random leaf of that tree, which cost about 5 KB of log and checkpoint and
/// a share of the CPU per message with 10,000 seals reporting, and grew out of memory with the
/// store (BENCHMARKS.md). A record's seq follows the order of storing, so the `raw_seq` index only
/// takes appends.
///
/// `raw_seq` is the seq of the copy stored in the same transaction (where the event's raw record
/// comes with it, as from every driver and for the hub's own events), else of the last stored copy
/// of its hash (a forwarded event whose record the store already had), else NULL (no copy stored).
/// Events stored before v15 keep NULL: the migration does not rewrite the table. Those are still
/// found by hash, through an index that holds only the rows whose `raw_seq` is NULL.
enum RawLinks {
    /// SQL: whether an event points at the raw record `seq` with hash `sha256` (each SQL: a
    /// column, `OLD.…` in a trigger, or `?`, in which case the hash is bound twice after the seq).
    static func referenced(_ seq: String, _ sha256: String) -> String {
        """
        (EXISTS (SELECT 1 FROM events WHERE raw_seq = \(seq)) \
        OR EXISTS (SELECT 1 FROM events WHERE raw_seq IS NULL AND \(HashKey.matching("raw_sha256", sha256))))
        """
    }

    /// The seq of the last stored copy of a raw record, for an event whose record came earlier.
    static let lastCopy = "SELECT MAX(seq) FROM raw_records WHERE \(HashKey.matchingRaw())"
}

extension SQLiteEventStore {
    /// Adds `events.raw_seq` with its append-only index, keeps the hash index for the rows without
    /// it, and points the raw delete trigger at both. Existing rows are not rewritten; building the
    /// partial hash index is one pass over the events.
    static func registerRawLinkMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v15-events-raw-seq") { db in
            try db.execute(
                sql: """
                    ALTER TABLE events ADD COLUMN raw_seq INTEGER;
                    DROP INDEX events_raw_prefix;
                    CREATE INDEX events_raw_seq ON events(raw_seq) WHERE raw_seq IS NOT NULL;
                    CREATE INDEX events_raw_prefix_unlinked ON events(\(HashKey.prefix("raw_sha256"))) WHERE raw_seq IS NULL;
                    DROP TRIGGER raw_append_only_delete;
                    CREATE TRIGGER raw_append_only_delete BEFORE DELETE ON raw_records
                        WHEN NOT EXISTS (SELECT 1 FROM retention_permits p
                                         WHERE p.tbl = 'raw_records' AND OLD.received_at < p.before)
                          OR \(RawLinks.referenced("OLD.seq", "OLD.sha256"))
                        BEGIN SELECT RAISE(ABORT, 'the raw archive is append-only (only retention deletes, and only unreferenced aged-out records)'); END;
                    """)
        }
    }

    /// `raw_seq` for an event whose raw record is not among those stored with it.
    static func storedRawSeq(_ db: Database, _ sha256: String) throws -> Int64? {
        // An event with no hash (a simulation's) has nothing to look up.
        guard !sha256.isEmpty else { return nil }
        return try Int64.fetchOne(db.cachedStatement(sql: RawLinks.lastCopy), arguments: HashKey.arguments(sha256))
    }
}
