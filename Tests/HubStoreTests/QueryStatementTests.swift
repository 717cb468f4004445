import Foundation
import HubModel
import HubStore
import Testing

/// Each listing is written once and read by both stores: the statement differs only in how it
/// names its values (and reads JSON), never in what it filters.
struct QueryStatementTests {
    /// The SQLite text with its `?` marks numbered as PostgreSQL numbers them.
    static func numbered(_ sqlite: SQLStatement) -> String {
        var n = 0
        return sqlite.sql.split(separator: "?", omittingEmptySubsequences: false).enumerated().map { i, part in
            if i == 0 { return String(part) }
            n += 1
            return "$\(n)" + part
        }.joined()
    }

    @Test
    func anEventsPageFiltersOnEveryFieldInOneOrderForBothStores() throws {
        var q = EventQuery()
        q.kind = "radiation.*"
        q.device = "rpm-1"
        q.site = "gate-3"
        q.lane = "2"
        q.severity = .alarm
        q.since = Date(timeIntervalSince1970: 1_764_000_000)
        q.until = Date(timeIntervalSince1970: 1_764_003_600)
        q.cursor = "41"
        q.newestFirst = true
        q.limit = 5_000
        let sqlite = try q.statement(.sqlite)
        let postgres = try q.statement(.postgres)
        #expect(
            postgres.sql == """
                SELECT seq, body FROM events WHERE kind >= $1 AND kind < $2 AND device_id = $3 AND site = $4 AND lane = $5 \
                AND severity = $6 AND observed_at >= $7 AND observed_at < $8 AND seq < $9 ORDER BY seq DESC LIMIT $10
                """)
        #expect(Self.numbered(sqlite) == postgres.sql)
        #expect(
            sqlite.values == [
                .text("radiation."), .text("radiation/"), .text("rpm-1"), .text("gate-3"), .text("2"), .text("alarm"),
                .text("2025-11-24T16:00:00.000Z"), .text("2025-11-24T17:00:00.000Z"), .integer(41),
                .integer(Int64(EventQuery.maxLimit) + 1),
            ])
        #expect(sqlite.values == postgres.values)
    }

    @Test
    func anExactKindAndNoFilterReadOldestFirst() throws {
        var q = EventQuery()
        #expect(try q.statement(.postgres).sql == "SELECT seq, body FROM events ORDER BY seq ASC LIMIT $1")
        #expect(try q.statement(.postgres).values == [.integer(101)])
        q.kind = "gate.passage"
        q.cursor = "7"
        q.limit = 0
        let s = try q.statement(.sqlite)
        #expect(s.sql == "SELECT seq, body FROM events WHERE kind = ? AND seq > ? ORDER BY seq ASC LIMIT ?")
        #expect(s.values == [.text("gate.passage"), .integer(7), .integer(2)], "a limit below 1 reads one event")
    }

    @Test
    func aCursorTheStoreDidNotGiveIsRefusedBeforeAnySQL() {
        var q = EventQuery()
        q.cursor = "seq-7"
        #expect(throws: InvalidCursor.self) { try q.statement(.sqlite) }
    }

    @Test
    func declarationsReadTheSiteFromEachEnginesJSON() {
        var q = DeclarationListQuery()
        q.keys = ["seal": "S1", "container": "MSCU1234565"]
        q.site = "gate-3"
        q.after = "100"
        let sqlite = q.statement(.sqlite)
        let postgres = q.statement(.postgres)
        #expect(sqlite.sql.contains("json_extract(d.body, '$.site') = ?"))
        #expect(postgres.sql.contains("((d.body::jsonb) ->> 'site') = $5"))
        #expect(
            Self.numbered(sqlite).replacingOccurrences(of: "json_extract(d.body, '$.site')", with: "((d.body::jsonb) ->> 'site')")
                == postgres.sql)
        #expect(
            postgres.values == [
                .text("container"), .text("MSCU1234565"), .text("seal"), .text("S1"), .text("gate-3"), .text("100"), .integer(100),
            ])
    }

    @Test
    func auditEntriesFilterAlikeInBothStores() {
        let sqlite = AuditEntry.listing(action: "login", actor: nil, before: 12, limit: 50, .sqlite)
        let postgres = AuditEntry.listing(action: "login", actor: nil, before: 12, limit: 50, .postgres)
        #expect(Self.numbered(sqlite) == postgres.sql)
        #expect(postgres.sql.hasSuffix("WHERE 1 = 1 AND action = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"))
        #expect(postgres.values == [.text("login"), .integer(12), .integer(50)])
    }
}
