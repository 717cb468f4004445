#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import PostgresNIO

/// Store-and-forward on PostgreSQL: a gate reads its events in store order (appends hold
/// `appendLock`, so a committed position is never overtaken by a smaller one), and a central hub
/// takes forwarded batches under the same lock, so its own appends and forwarded ones do not interleave.
extension PostgresEventStore {
    public func storedEvents(after seq: Int64, limit: Int) async throws -> [StoredEvent] {
        var out: [StoredEvent] = []
        let rows = try await client.query(
            "SELECT seq, body, raw_sha256 FROM events WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)", logger: logger)
        for try await (seq, body, sha) in rows.decode((Int64, String, String).self) {
            out.append(StoredEvent(seq: seq, body: body, rawSHA256: sha))
        }
        return out
    }

    public func forwardBacklog(after seq: Int64) async throws -> ForwardBacklog {
        // A COUNT, not MAX(seq) - seq: identity values taken by rolled-back appends leave gaps.
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM events WHERE seq > \(seq)),
                   (SELECT received_at FROM events WHERE seq > \(seq) ORDER BY seq LIMIT 1)
            """, logger: logger)
        for try await (n, oldest) in rows.decode((Int, String?).self) {
            return ForwardBacklog(events: n, oldestReceivedAt: oldest.flatMap(Timestamp.parse))
        }
        return ForwardBacklog(events: 0, oldestReceivedAt: nil)
    }

    public func acceptForwarded(_ batch: ForwardedBatch) async throws -> ForwardReceipt {
        let now = Timestamp.format(Date())
        let bodies = try batch.events.map { try $0.jsonLine() }
        do {
            return try await accept(batch, bodies: bodies, now: now)
        } catch let e as PostgresTransactionError {
            // The gap is the caller's to answer (409 with `through`), not a database failure.
            if let gap = e.closureError as? ForwardGap { throw gap }
            throw e
        }
    }

    private func accept(_ batch: ForwardedBatch, bodies: [String], now: String) async throws -> ForwardReceipt {
        // Idempotent (events by id, records by hash), so a batch the failover interrupted is simply sent again.
        try await writing { client in try await self.acceptOnce(client, batch, bodies: bodies, now: now) }
    }

    private func acceptOnce(_ client: PostgresClient, _ batch: ForwardedBatch, bodies: [String], now: String) async throws -> ForwardReceipt {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.appendLock))", logger: logger)
            var held: Int64 = 0
            for try await t in try await db.query(
                "SELECT through FROM forward_sources WHERE source = \(batch.source)", logger: logger
            ).decode(Int64.self) {
                held = t
            }
            guard batch.after <= held else { throw ForwardGap(through: held, after: batch.after) }
            let knownIDs = try await Self.strings(
                db, "SELECT id FROM events WHERE id = ANY(\(batch.events.map(\.id)))", logger)
            var fresh = IngestBatch()
            var freshBodies: [String] = []
            for (e, body) in zip(batch.events, bodies) where !knownIDs.contains(e.id) && !fresh.events.contains(where: { $0.id == e.id }) {
                fresh.events.append(e)
                freshBodies.append(body)
            }
            let records = batch.raw.compactMap(\.record)
            var knownSHAs = try await Self.strings(
                db, "SELECT sha256 FROM raw_records WHERE sha256 = ANY(\(records.map(\.sha256)))", logger)
            for r in records where knownSHAs.insert(r.sha256).inserted { fresh.records.append(r) }
            try await Self.insert(db, fresh, bodies: freshBodies, now: now, logger)
            try await PostgresNotify.appended(db, fresh.events, by: nil, logger)
            let through = max(held, batch.last)
            try await db.query(
                """
                INSERT INTO forward_sources (source, through, batches, at) VALUES (\(batch.source), \(through), 1, \(now))
                ON CONFLICT (source) DO UPDATE
                SET through = excluded.through, batches = forward_sources.batches + 1, at = excluded.at
                """, logger: logger)
            if let uplink = batch.uplink(at: Timestamp.parse(now) ?? Date()) {
                let oldest = uplink.oldestWaitingAt.map(Timestamp.format)
                try await db.query(
                    """
                    UPDATE forward_sources SET backlog = \(Int64(uplink.backlog)), oldest_waiting_at = \(oldest), reported_at = \(now)
                    WHERE source = \(batch.source)
                    """, logger: logger)
            }
            return ForwardReceipt(
                source: batch.source, received: batch.events.count, stored: fresh.events.count,
                alreadyHad: batch.events.count - fresh.events.count, rawStored: fresh.records.count, through: through)
        }
    }

    /// The first column of every row, as a set.
    static func strings(_ db: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> Set<String> {
        var out = Set<String>()
        for try await s in try await db.query(query, logger: logger).decode(String.self) { out.insert(s) }
        return out
    }
}
#endif
