#if PostgreSQL
import HubStore
import PostgresNIO

/// What a restarted hub on PostgreSQL still has to assess, as `SQLiteEventStore` answers it: without
/// this, a hub on PostgreSQL killed between storing a declaration (or a linked event) and assessing it
/// never assessed it at all.
extension PostgresEventStore: RiskBacklogStore {
    public func declarationsAwaitingAssessment() async throws -> [String] {
        let sql = RiskBacklogSQL.query(
            declaration: "(body::jsonb) #>> '{subject,declaration}'", version: "((body::jsonb) #>> '{data,declarationVersion}')::int")
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        var out: [String] = []
        for try await number in rows.decode(String.self) { out.append(number) }
        return out
    }
}
#endif
