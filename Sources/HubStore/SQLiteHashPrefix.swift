import Foundation
import GRDB

/// Raw records are found by their hash through an index on the hash's first 16 hex digits (8 bytes)
/// rather than on all 64; so are the raw records of events stored before `raw_seq` (`RawLinks`).
///
/// Hashes arrive in random order, so every insert lands on a random leaf of these two trees: with
/// the full hash as key they grew to a gigabyte each at 20 GB of store and no longer stayed in
/// memory, and commits slowed as their pages were read back from the disk (BENCHMARKS.md, "Commit
/// time as the store grows"). A 16-digit key makes each entry about a third as large. Two hashes
/// sharing a prefix (one pair in 2^64) are told apart by also comparing the whole column.
///
/// An expression index on `substr`, not an integer column: SQLite's own function, so the file stays
/// readable and writable by the `sqlite3` shell and backup tools, and existing rows need no rewrite
/// (the migration only builds the new indexes).
enum HashKey {
    /// Hex digits of the hash that the indexes hold.
    static let digits = 16

    /// The indexed expression over `column`: queries must spell it so for SQLite to use the index.
    static func prefix(_ column: String) -> String { "substr(\(column), 1, \(digits))" }

    /// `column = value`, written so that the prefix index serves it. `value` is SQL: a column of
    /// another table, `OLD.sha256` in a trigger, or `?`, in which case the hash is bound twice
    /// (`arguments`).
    ///
    /// The `+` matters: given a plain `column = ?`, SQLite propagates the constant into the other
    /// term (`substr(?, 1, 16) = substr(?, 1, 16)`), which then no longer matches the index and
    /// the lookup becomes a scan of the table (seen with SQLite 3.40). `+column` is not a bare
    /// column, so the term is left alone and only filters the index's few candidates.
    static func matching(_ column: String, _ value: String = "?") -> String {
        "\(prefix(column)) = \(prefix(value)) AND +\(column) = \(value)"
    }

    /// `sha256 = value` on the raw records, through their hash index partitioned by seq
    /// (`SeqPartition`): `alias` is the name the statement gives the table, if any. The arguments
    /// are `matching`'s.
    static func matchingRaw(_ alias: String = "", _ value: String = "?") -> String {
        let table = alias.isEmpty ? "" : alias + "."
        return "\(SeqPartition.expression(table + "seq")) IN \(SeqPartition.all(of: "raw_records")) AND \(matching(table + "sha256", value))"
    }

    /// The arguments of `matching(column)` for one hash.
    static func arguments(_ sha256: String) -> StatementArguments { [sha256, sha256] }
}

/// The statements that look rows up by hash, in one place so a test can check each one's plan.
extension SQLiteEventStore {
    enum ByHash {
        /// A raw record's stored copies (`rawRecords(sha256:)`).
        static let rawRecords = "SELECT * FROM raw_records WHERE \(HashKey.matchingRaw()) ORDER BY seq"
        /// The first copy of a raw record, with its chain link (`rawChainProof(sha256:)`).
        static let chainProof =
            "SELECT \(rawLinkColumns), chain FROM raw_records WHERE \(HashKey.matchingRaw()) ORDER BY seq LIMIT 1"
        /// Whether a forwarded raw record is already stored (`acceptForwarded`).
        static let rawStored = "SELECT 1 FROM raw_records WHERE \(HashKey.matchingRaw())"
        /// Whether an event points at a raw record (`purgeRaw`): by the record's seq, or by its hash
        /// from an event with no `raw_seq`. Arguments: the record's seq, then its hash twice.
        static let rawReferenced = "SELECT \(RawLinks.referenced("?", "?"))"
        /// Verification's walk of the events, each with whether its raw record is stored.
        static let verifiedEvents = """
            SELECT \(eventLinkColumns), body, body_sha256, chain,
                   EXISTS (SELECT 1 FROM raw_records r WHERE \(HashKey.matchingRaw("r", "events.raw_sha256"))) AS has_raw
            FROM events ORDER BY seq
            """
        /// The retention trigger's test that no event points at the raw record being deleted.
        static let rawReferencedInTrigger = RawLinks.referenced("OLD.seq", "OLD.sha256")
    }

    /// Replaces the full-hash indexes of v1 and v7 with prefix indexes, and the raw delete trigger
    /// with one whose lookup uses the new index. An existing store is upgraded when it opens: the
    /// old indexes are dropped (their pages go to the free list and are reused by later inserts)
    /// and the new ones built by one pass over each table.
    static func registerHashPrefixMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v9-hash-prefix-indexes") { db in
            try db.execute(
                sql: """
                    DROP INDEX raw_records_sha256;
                    DROP INDEX events_raw;
                    CREATE INDEX raw_records_sha256_prefix ON raw_records(\(HashKey.prefix("sha256")));
                    CREATE INDEX events_raw_prefix ON events(\(HashKey.prefix("raw_sha256")));
                    DROP TRIGGER raw_append_only_delete;
                    CREATE TRIGGER raw_append_only_delete BEFORE DELETE ON raw_records
                        WHEN NOT EXISTS (SELECT 1 FROM retention_permits p
                                         WHERE p.tbl = 'raw_records' AND OLD.received_at < p.before)
                          OR EXISTS (SELECT 1 FROM events WHERE \(HashKey.matching("raw_sha256", "OLD.sha256")))
                        BEGIN SELECT RAISE(ABORT, 'the raw archive is append-only (only retention deletes, and only unreferenced aged-out records)'); END;
                    """)
        }
    }
}
