import Foundation
import GRDB
import HubModel

/// What a hub killed mid-work left unassessed: the risk service learns of changes from memory, so
/// a declaration stored (and answered 2xx) or an event linked to it just before a crash would
/// otherwise never get its assessment.
public protocol RiskBacklogStore: Sendable {
    /// Declarations whose version in force has no `risk.assessment`, or that have a linked event
    /// stored after their latest assessment; in number order.
    func declarationsAwaitingAssessment() async throws -> [String]
}

/// The backlog query, written once for both stores; only how a JSON member is read differs, and
/// SQLite's link keys are partitioned (`SeqPartition`).
public enum RiskBacklogSQL {
    /// `declaration` and `version` read an assessment's `subject.declaration` and
    /// `data.declarationVersion` (an integer) from `body` in the store's dialect; `keyPartitions`,
    /// if any, is SQL that lists the partitions of `event_keys` to search.
    public static func query(declaration: String, version: String, keyPartitions: String? = nil) -> String {
        // With partitions, SQLite is held to the declaration's keys first (`CROSS JOIN`, which
        // PostgreSQL does not take with `ON`), then a probe of each partition per key.
        let keys = keyPartitions.map { "CROSS JOIN event_keys k ON k.kind = d.kind AND k.value = d.value AND k.part IN \($0)" }
            ?? "JOIN event_keys k ON k.kind = d.kind AND k.value = d.value"
        return """
        WITH latest AS (
            SELECT number, MAX(version) AS version FROM declarations GROUP BY number
        ), assessed AS (
            SELECT \(declaration) AS number, MAX(seq) AS seq, MAX(\(version)) AS version
            FROM events WHERE kind = 'risk.assessment' GROUP BY 1
        )
        SELECT l.number FROM latest l LEFT JOIN assessed a ON a.number = l.number
        WHERE a.number IS NULL OR a.version < l.version OR EXISTS (
            SELECT 1 FROM declaration_keys d
            \(keys)
            JOIN events e ON e.id = k.event_id
            WHERE d.number = l.number AND e.seq > a.seq
        )
        ORDER BY l.number
        """
    }
}

extension SQLiteEventStore: RiskBacklogStore {
    /// The backlog query in SQLite's dialect, over its partitioned link keys.
    static let riskBacklogSQL = RiskBacklogSQL.query(
        declaration: "json_extract(body, '$.subject.declaration')", version: "json_extract(body, '$.data.declarationVersion')",
        keyPartitions: SeqPartition.all(of: "events"))

    public func declarationsAwaitingAssessment() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: Self.riskBacklogSQL) }
    }
}
