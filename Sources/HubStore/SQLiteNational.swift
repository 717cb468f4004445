import Foundation
import GRDB
import HubModel

/// The national view's figures from a central hub's SQLite file (`NationalStatements`).
extension SQLiteEventStore {
    public func nationalFigures(now: Date) async throws -> [GateFigures] {
        try await pool.read { db in
            var sheet = NationalSheet()
            for (figure, statement) in NationalStatements.counts(.sqlite, now: now) {
                for row in try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments) {
                    sheet.add(row[0] as String, figure, (row[1] as Int?) ?? 0)
                }
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT source, through, batches, at, backlog, oldest_waiting_at, reported_at FROM forward_sources")
            {
                let batches: Int = row["batches"]
                sheet.add(
                    row["source"],
                    uplink: GateFigures.Uplink(
                        through: row["through"], batches: batches,
                        lastBatchAt: batches > 0 ? Timestamp.parse(row["at"]) : nil, backlog: row["backlog"],
                        oldestWaitingAt: (row["oldest_waiting_at"] as String?).flatMap(Timestamp.parse),
                        reportedAt: (row["reported_at"] as String?).flatMap(Timestamp.parse)))
            }
            return sheet.figures
        }
    }

    public func gateLanes(site: String) async throws -> [LaneSnapshot] {
        let statement = NationalStatements.lanes(.sqlite, site: site)
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map { (kind: $0[0] as String, body: $0[1] as String) }
        }
        return try NationalStatements.snapshots(rows)
    }
}
