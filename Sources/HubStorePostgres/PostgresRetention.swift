#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// Retention on PostgreSQL: the only way rows leave `events` and `raw_records`. Each batch is one
/// short transaction that sets `niihub.purging` and `niihub.purge_before` for itself alone (the
/// append-only trigger lets through only aged-out rows, and raw records no event points at), holds
/// `appendLock` so it never races an append's chain head, and writes the purged seqs with their
/// chain anchors to the ledger, so the chain still verifies afterwards.
extension PostgresEventStore {
    public func storedKinds() async throws -> [String] {
        // One index probe per kind rather than a scan of every event.
        let rows = try await client.query(
            """
            WITH RECURSIVE k(kind) AS (
                SELECT MIN(kind) FROM events
                UNION ALL
                SELECT (SELECT MIN(kind) FROM events WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL)
            SELECT kind FROM k WHERE kind IS NOT NULL
            """, logger: logger)
        var out: [String] = []
        for try await kind in rows.decode(String.self) { out.append(kind) }
        return out
    }

    public func purgeEvents(kind: String, before: Date, limit: Int, now: Date) async throws -> Int {
        let cutoff = Timestamp.format(before)
        return try await client.withTransaction(logger: logger) { db in
            try await Self.beginPurge(db, before: cutoff, logger)
            var doomed: [(seq: Int64, id: String, chain: ChainHash?)] = []
            for try await (seq, id, chain) in try await db.query(
                """
                SELECT seq, id, chain FROM events WHERE kind = \(kind) AND received_at < \(cutoff)
                ORDER BY received_at, seq LIMIT \(limit)
                """, logger: logger
            ).decode((Int64, String, ByteBuffer?).self) {
                doomed.append((seq, id, chain.flatMap { ChainHash(Array($0.readableBytesView)) }))
            }
            guard !doomed.isEmpty else { return 0 }
            try await db.query("DELETE FROM event_keys WHERE event_id = ANY(\(doomed.map(\.id)))", logger: logger)
            try await db.query("DELETE FROM events WHERE seq = ANY(\(doomed.map(\.seq)))", logger: logger)
            try await Self.recordPurge(
                db, table: .events, kind: kind, before: cutoff, ranges: try PurgedRange.runs(doomed.map { ($0.seq, $0.chain) }),
                reason: "retention", at: now, logger)
            return doomed.count
        }
    }

    public func purgeRaw(before: Date, after: RawPurgePosition?, limit: Int, now: Date) async throws -> RawPurgeBatch {
        let cutoff = Timestamp.format(before)
        let from = after ?? RawPurgePosition(receivedAt: "", seq: 0)
        return try await client.withTransaction(logger: logger) { db in
            try await Self.beginPurge(db, before: cutoff, logger)
            var scanned = 0
            var next: RawPurgePosition?
            var doomed: [(seq: Int64, chain: ChainHash?)] = []
            for try await (seq, at, chain, referenced) in try await db.query(
                """
                SELECT seq, received_at, chain, EXISTS (SELECT 1 FROM events e WHERE e.raw_sha256 = r.sha256)
                FROM raw_records r
                WHERE received_at COLLATE "C" < \(cutoff)
                  AND (received_at COLLATE "C" > \(from.receivedAt) OR (received_at = \(from.receivedAt) AND seq > \(from.seq)))
                ORDER BY received_at COLLATE "C", seq LIMIT \(limit)
                """, logger: logger
            ).decode((Int64, String, ByteBuffer?, Bool).self) {
                scanned += 1
                next = RawPurgePosition(receivedAt: at, seq: seq)
                if !referenced { doomed.append((seq, chain.flatMap { ChainHash(Array($0.readableBytesView)) })) }
            }
            if !doomed.isEmpty {
                try await db.query("DELETE FROM raw_records WHERE seq = ANY(\(doomed.map(\.seq)))", logger: logger)
                try await Self.recordPurge(
                    db, table: .raw, kind: nil, before: cutoff, ranges: try PurgedRange.runs(doomed), reason: "retention", at: now, logger)
            }
            return RawPurgeBatch(deleted: doomed.count, scanned: scanned, next: scanned < limit ? nil : next)
        }
    }

    public func recordPurgeRun(_ run: PurgeRun, at: Date) async throws {
        try await audit(
            AuditEntry(at: at, actor: "retention", role: nil, action: "retention.purge", target: run.target, detail: run.detail))
    }

    /// Takes the append lock and sets this transaction's purge flags for the triggers.
    static func beginPurge(_ db: PostgresConnection, before cutoff: String, _ logger: Logger) async throws {
        try await db.query("SELECT pg_advisory_xact_lock(\(appendLock))", logger: logger)
        try await db.query(
            "SELECT set_config('niihub.purging', 'on', true), set_config('niihub.purge_before', \(cutoff), true)", logger: logger)
    }
}
#endif
