import Foundation
import GRDB
import HubModel

/// Retention on SQLite: the only way rows leave `events` and `raw_records`.
///
/// The append-only triggers stay; they let a DELETE through only while the purging transaction
/// holds a permit in `retention_permits`, and only for rows older than the permit allows (and, for
/// raw records, that no event points at). Each batch is one short transaction that also writes the
/// purged seqs and their chain anchors to the ledger, so the chain still verifies afterwards.
extension SQLiteEventStore {
    static func registerRetentionMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7-retention") { db in
            try db.execute(
                sql: """
                    CREATE INDEX events_kind_received ON events(kind, received_at);
                    CREATE INDEX events_raw ON events(raw_sha256);
                    CREATE INDEX raw_records_received ON raw_records(received_at);
                    -- Present only inside a purge's own transaction.
                    CREATE TABLE retention_permits (tbl TEXT NOT NULL, kind TEXT, before TEXT NOT NULL);
                    DROP TRIGGER events_append_only_delete;
                    DROP TRIGGER raw_append_only_delete;
                    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                        WHEN NOT EXISTS (SELECT 1 FROM retention_permits p
                                         WHERE p.tbl = 'events' AND p.kind = OLD.kind AND OLD.received_at < p.before)
                        BEGIN SELECT RAISE(ABORT, 'events are append-only (only retention deletes, and only aged-out rows)'); END;
                    CREATE TRIGGER raw_append_only_delete BEFORE DELETE ON raw_records
                        WHEN NOT EXISTS (SELECT 1 FROM retention_permits p
                                         WHERE p.tbl = 'raw_records' AND OLD.received_at < p.before)
                          OR EXISTS (SELECT 1 FROM events WHERE raw_sha256 = OLD.sha256)
                        BEGIN SELECT RAISE(ABORT, 'the raw archive is append-only (only retention deletes, and only unreferenced aged-out records)'); END;
                    """)
        }
    }

    public func storedKinds() async throws -> [String] {
        try await pool.read { db in
            // One index probe per kind rather than a scan of every event.
            try String.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE k(kind) AS (
                        SELECT MIN(kind) FROM events
                        UNION ALL
                        SELECT (SELECT MIN(kind) FROM events WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL)
                    SELECT kind FROM k WHERE kind IS NOT NULL
                    """)
        }
    }

    public func purgeEvents(kind: String, before: Date, limit: Int, now: Date) async throws -> Int {
        let cutoff = Timestamp.format(before)
        return try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT seq, id, chain FROM events WHERE kind = ? AND received_at < ? ORDER BY received_at, seq LIMIT ?",
                arguments: [kind, cutoff, limit])
            guard !rows.isEmpty else { return 0 }
            try db.execute(
                sql: "INSERT INTO retention_permits (tbl, kind, before) VALUES ('events', ?, ?)", arguments: [kind, cutoff])
            try db.execute(
                sql: "DELETE FROM event_keys WHERE event_id IN (\(Self.placeholders(rows.count)))",
                arguments: StatementArguments(rows.map { $0["id"] as String }))
            try db.execute(
                sql: "DELETE FROM events WHERE seq IN (\(Self.placeholders(rows.count)))",
                arguments: StatementArguments(rows.map { $0["seq"] as Int64 }))
            try db.execute(sql: "DELETE FROM retention_permits")
            try Self.recordPurge(
                db, table: .events, kind: kind, before: cutoff, ranges: try Self.ranges(rows), reason: "retention", at: now)
            return rows.count
        }
    }

    public func purgeRaw(before: Date, after: RawPurgePosition?, limit: Int, now: Date) async throws -> RawPurgeBatch {
        let cutoff = Timestamp.format(before)
        let from = after ?? RawPurgePosition(receivedAt: "", seq: 0)
        return try await pool.write { db in
            let scanned = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, sha256, received_at, chain FROM raw_records
                    WHERE received_at < ? AND received_at >= ? AND (received_at > ? OR seq > ?)
                    ORDER BY received_at, seq LIMIT ?
                    """,
                // `received_at >= ?` lets the index start at the position, so records kept for
                // their events are passed over once per run, not once per batch.
                arguments: [cutoff, from.receivedAt, from.receivedAt, from.seq, limit])
            let next = scanned.last.map { RawPurgePosition(receivedAt: $0["received_at"], seq: $0["seq"]) }
            var doomed: [Row] = []
            let referenced = try db.cachedStatement(sql: ByHash.rawReferenced)
            for row in scanned
            where try Bool.fetchOne(referenced, arguments: [row["seq"] as Int64] + HashKey.arguments(row["sha256"])) != true {
                doomed.append(row)
            }
            if !doomed.isEmpty {
                try db.execute(sql: "INSERT INTO retention_permits (tbl, kind, before) VALUES ('raw_records', NULL, ?)", arguments: [cutoff])
                try db.execute(
                    sql: "DELETE FROM raw_records WHERE seq IN (\(Self.placeholders(doomed.count)))",
                    arguments: StatementArguments(doomed.map { $0["seq"] as Int64 }))
                try db.execute(sql: "DELETE FROM retention_permits")
                try Self.recordPurge(
                    db, table: .raw, kind: nil, before: cutoff, ranges: try Self.ranges(doomed), reason: "retention", at: now)
            }
            return RawPurgeBatch(deleted: doomed.count, scanned: scanned.count, next: scanned.count < limit ? nil : next)
        }
    }

    public func recordPurgeRun(_ run: PurgeRun, at: Date) async throws {
        try await audit(
            AuditEntry(
                at: at, actor: "retention", role: nil, action: "retention.purge", target: run.target,
                detail: run.detail))
    }

    /// `?, ?, …` for an IN list: one statement per batch, not one per row.
    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    /// Runs of consecutive seqs among purged rows, each with the chain value of its last row.
    static func ranges(_ rows: [Row]) throws -> [PurgedRange] {
        try PurgedRange.runs(rows.map { (seq: $0["seq"] as Int64, chain: ChainHash([UInt8]($0["chain"] as Data? ?? Data()))) })
    }
}
