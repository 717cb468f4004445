#if PostgreSQL
import Foundation
import HubModel
import HubStore
import PostgresNIO

/// A gate's uplink state and the national view's figures on PostgreSQL (`NationalStatements`).
extension PostgresEventStore {
    public func recordForwardStatus(_ status: ForwardStatus) async throws {
        let at = Timestamp.format(status.reportedAt)
        let oldest = status.oldestWaitingAt.map(Timestamp.format)
        let backlog = Int64(status.backlog)
        try await writing { client in
            // A gate that has not forwarded yet gets its row now, holding nothing (through 0).
            try await client.query(
                """
                INSERT INTO forward_sources (source, through, batches, at, backlog, oldest_waiting_at, reported_at)
                VALUES (\(status.source), 0, 0, \(at), \(backlog), \(oldest), \(at))
                ON CONFLICT (source) DO UPDATE SET backlog = excluded.backlog,
                    oldest_waiting_at = excluded.oldest_waiting_at, reported_at = excluded.reported_at
                """, logger: self.logger)
            return ()
        }
    }

    public func nationalFigures(now: Date) async throws -> [GateFigures] {
        var sheet = NationalSheet()
        for (figure, statement) in NationalStatements.counts(.postgres, now: now) {
            for try await (site, n) in try await client.query(statement.postgresQuery, logger: logger).decode((String, Int64?).self) {
                sheet.add(site, figure, Int(n ?? 0))
            }
        }
        let rows = try await client.query(
            "SELECT source, through, batches::bigint, at, backlog, oldest_waiting_at, reported_at FROM forward_sources", logger: logger)
        for try await (source, through, batches, at, backlog, oldest, reported) in rows.decode(
            (String, Int64, Int64, String, Int64?, String?, String?).self)
        {
            sheet.add(
                source,
                uplink: GateFigures.Uplink(
                    through: through, batches: Int(batches), lastBatchAt: batches > 0 ? Timestamp.parse(at) : nil,
                    backlog: backlog.map(Int.init), oldestWaitingAt: oldest.flatMap(Timestamp.parse),
                    reportedAt: reported.flatMap(Timestamp.parse)))
        }
        return sheet.figures
    }

    public func gateLanes(site: String) async throws -> [LaneSnapshot] {
        var rows: [(kind: String, body: String)] = []
        let query = NationalStatements.lanes(.postgres, site: site).postgresQuery
        for try await (kind, body) in try await client.query(query, logger: logger).decode((String, String).self) {
            rows.append((kind, body))
        }
        return try NationalStatements.snapshots(rows)
    }
}
#endif
