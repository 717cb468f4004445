#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import PostgresNIO

/// Leases in the `leases` table, one statement each, timed by the database's clock so the hubs'
/// clocks do not matter. A claim table rather than advisory locks: a session lock held by a backend
/// busy in a query outlives its dead client (52 s measured, `docs/deployment.md`), vanishes with a
/// failed-over primary, and gives no epoch to fence a late write with.
extension PostgresEventStore {
    public func headSeq() async throws -> Int64 {
        let rows = try await client.query("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM events", logger: logger).collect()
        return try rows.first?.decode(Int64.self) ?? 0
    }

    public var sharesLeases: Bool { true }

    public func acquireOrRenew(_ name: String, owner: String, ttl: Duration) async throws -> Int64? {
        let seconds = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        // Renewed by its owner, taken over once expired (the epoch rises), refused otherwise (no row).
        let rows = try await writing { client in
            try await client.query(
                """
                INSERT INTO leases AS l (name, owner, epoch, expires_at)
                VALUES (\(name), \(owner), 1, now() + make_interval(secs => \(seconds)))
                ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner,
                    epoch = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
                    expires_at = EXCLUDED.expires_at
                WHERE l.owner = EXCLUDED.owner OR l.expires_at <= now()
                RETURNING epoch
                """, logger: self.logger
            ).collect()
        }
        return try rows.first?.decode(Int64.self)
    }

    public func release(_ name: String, owner: String) async throws {
        // Expired, not deleted: the epoch must keep rising across owners. Bounded like every write,
        // so a hub stopping while its server is gone does not wait on it for ever.
        _ = try await writing { client in
            try await client.query(
                "UPDATE leases SET expires_at = now() WHERE name = \(name) AND owner = \(owner)", logger: self.logger)
        }
    }

    /// Inside an append's transaction: throws `Fenced` unless every fence's lease is held, unexpired,
    /// by its owner at its epoch. `FOR SHARE` keeps a takeover from committing in between.
    static func checkFences(_ db: PostgresConnection, _ fences: [Fence], _ logger: Logger) async throws {
        for f in fences {
            let rows = try await db.query(
                """
                SELECT 1 FROM leases WHERE name = \(f.lease) AND owner = \(f.owner) AND epoch = \(f.epoch)
                    AND expires_at > now() FOR SHARE
                """, logger: logger
            ).collect()
            if rows.isEmpty { throw Fenced(f) }
        }
    }
}
#endif
