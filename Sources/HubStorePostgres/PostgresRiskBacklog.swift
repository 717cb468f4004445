#if PostgreSQL
import HubStore
import PostgresNIO

/// What a restarted hub on PostgreSQL still has to assess, as `SQLiteEventStore` answers it: without
/// this, a hub on PostgreSQL killed between storing a declaration (or a linked event) and assessing it
/// never assessed it at all.
extension PostgresEventStore: RiskBacklogStore {
    public func declarationsAwaitingAssessment() async throws -> [String] {
        let rows = try await client.query(
            """
            WITH latest AS (
                SELECT number, MAX(version) AS version FROM declarations GROUP BY number
            ), assessed AS (
                SELECT (body::jsonb) #>> '{subject,declaration}' AS number, MAX(seq) AS seq,
                    MAX(((body::jsonb) #>> '{data,declarationVersion}')::int) AS version
                FROM events WHERE kind = 'risk.assessment' GROUP BY 1
            )
            SELECT l.number FROM latest l LEFT JOIN assessed a ON a.number = l.number
            WHERE a.number IS NULL OR a.version < l.version OR EXISTS (
                SELECT 1 FROM declaration_keys d
                JOIN event_keys k ON k.kind = d.kind AND k.value = d.value
                JOIN events e ON e.id = k.event_id
                WHERE d.number = l.number AND e.seq > a.seq
            )
            ORDER BY l.number
            """, logger: logger)
        var out: [String] = []
        for try await number in rows.decode(String.self) { out.append(number) }
        return out
    }
}
#endif
