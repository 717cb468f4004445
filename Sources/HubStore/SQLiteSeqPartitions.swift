import Foundation
import GRDB

/// The two trees keyed by values that arrive in random order, the raw records' hash and the
/// events' link keys, are cut into partitions of 2^20 rows by the seq of the row they index.
///
/// Without partitions each insert landed on a random leaf of a tree that grew with the store, so a
/// commit of a few hundred events dirtied a few hundred leaves scattered over a gigabyte at 20 GB,
/// read them back into SQLite's cache and wrote them to the log: commit time grew with the store
/// (BENCHMARKS.md, "Commit time as the store grows"). With the partition as the key's first column,
/// inserts only touch the newest partition, a tree of at most a million entries whatever the
/// store's size.
///
/// A lookup by hash or by key names every partition between the table's first and last seq
/// (`all`): one probe each, thirteen at 20 GB. Those lookups are the API's (a raw record by hash, a
/// declaration's links, a seal's events). The ingest path looks up only for an event whose raw
/// record did not come with it (a forwarded one whose record the store already has).
/// The size is a trade between the two: smaller partitions keep the newest tree smaller and make
/// each lookup probe more of them. Commits are the hot path and lookups are not, so the size is
/// the one that kept commits flat (BENCHMARKS.md measures 2^20 and 2^22). The indexes are built on
/// the expression with this number in it, so changing it needs a migration that rebuilds them.
enum SeqPartition {
    /// A partition holds the rows whose seq agree above their lowest 20 bits.
    static let shift = 20

    /// The partition of the row `seq`.
    static func of(_ seq: Int64) -> Int64 { seq >> Int64(shift) }

    /// SQL: the partition of `column`, spelled as the indexes spell it (SQLite matches an
    /// expression index only on the same expression).
    static func expression(_ column: String) -> String { "(\(column) >> \(shift))" }

    /// SQL: a subquery listing the partitions of `table`'s seq from the newest down to the oldest
    /// row's, for `IN`. Counted down in the statement itself, so that it costs two probes of the
    /// table's rowid tree; rows purged by retention take their partitions out of the count. A table
    /// with no rows gives NULL, which matches nothing.
    static func all(of table: String) -> String {
        """
        (WITH RECURSIVE parts(n) AS (SELECT (SELECT MAX(seq) FROM \(table)) >> \(shift) \
        UNION ALL SELECT n - 1 FROM parts WHERE n > (SELECT MIN(seq) FROM \(table)) >> \(shift)) SELECT n FROM parts)
        """
    }
}

extension SQLiteEventStore {
    /// Partitions the raw records' hash index and the link keys by seq. The hash index is rebuilt
    /// (one pass over the raw records); the link keys are copied into a table whose key starts
    /// with the partition of their event (one pass over the keys, each joined to its event).
    static func registerSeqPartitionMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v16-seq-partitions") { db in
            try db.execute(
                sql: """
                    DROP INDEX raw_records_sha256_prefix;
                    CREATE INDEX raw_records_sha256_part ON raw_records(\(SeqPartition.expression("seq")), \(HashKey.prefix("sha256")));
                    CREATE TABLE event_keys_parted (
                        part INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        value TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        confidence REAL NOT NULL,
                        evidence TEXT NOT NULL,
                        PRIMARY KEY (part, kind, value, event_id)
                    ) WITHOUT ROWID;
                    INSERT INTO event_keys_parted (part, kind, value, event_id, confidence, evidence)
                        SELECT \(SeqPartition.expression("e.seq")), k.kind, k.value, k.event_id, k.confidence, k.evidence
                        FROM event_keys k JOIN events e ON e.id = k.event_id;
                    DROP TABLE event_keys;
                    ALTER TABLE event_keys_parted RENAME TO event_keys;
                    CREATE INDEX event_keys_event ON event_keys(event_id);
                    """)
        }
    }
}
