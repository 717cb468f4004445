import Foundation
import HubModel

extension EventQuery {
    /// The rows an events page reads, `seq` and `body`, in page order: one more than the page
    /// holds, so the reader knows whether a next page exists. Throws `InvalidCursor` for a
    /// cursor this store did not hand out.
    public func statement(_ dialect: SQLDialect) throws -> SQLStatement {
        var s = SQLStatement(dialect)
        var clauses: [String] = []
        if var kind, !kind.isEmpty {
            if kind.hasSuffix(".*") { kind.removeLast() }
            if kind.hasSuffix(".") {
                // Prefix match on the family without LIKE's wildcards: kind >= 'x.' AND kind < 'x/'.
                clauses.append("kind >= \(s.bind(kind)) AND kind < \(s.bind(String(kind.dropLast()) + "/"))")
            } else {
                clauses.append("kind = \(s.bind(kind))")
            }
        }
        if let device { clauses.append("device_id = \(s.bind(device))") }
        if let site { clauses.append("site = \(s.bind(site))") }
        if let lane { clauses.append("lane = \(s.bind(lane))") }
        if let seal {
            // SQLite's link keys are partitioned by the event's seq (`SeqPartition`).
            let parts = dialect == .sqlite ? "part IN \(SeqPartition.all(of: "events")) AND " : ""
            clauses.append("id IN (SELECT event_id FROM event_keys WHERE \(parts)kind = 'seal' AND value = \(s.bind(seal.uppercased())))")
        }
        if let severity { clauses.append("severity = \(s.bind(severity.rawValue))") }
        if let since { clauses.append("observed_at >= \(s.bind(Timestamp.format(since)))") }
        if let until { clauses.append("observed_at < \(s.bind(Timestamp.format(until)))") }
        if let cursor {
            guard let seq = Int64(cursor) else { throw InvalidCursor(cursor: cursor) }
            clauses.append("seq \(newestFirst ? "<" : ">") \(s.bind(seq))")
        }
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let limit = s.bind(pageSize + 1)
        s.append("SELECT seq, body FROM events\(filter) ORDER BY seq \(newestFirst ? "DESC" : "ASC") LIMIT \(limit)")
        return s
    }

    /// The page's size: `limit` held to 1 … `maxLimit`.
    public var pageSize: Int { min(max(limit, 1), Self.maxLimit) }
}

extension EventPage {
    /// The page `query` asked for, from the rows its statement read (`seq`, stored body).
    public init(rows: [(seq: Int64, body: String)], for query: EventQuery) throws {
        let decoder = JSONDecoder()
        var events: [InspectionEvent] = []
        var cursors: [String] = []
        for (seq, body) in rows.prefix(query.pageSize) {
            guard let e = try? decoder.decode(InspectionEvent.self, from: Data(body.utf8)) else {
                throw StoreCorruption(what: "event at seq \(seq) does not decode")
            }
            events.append(e)
            cursors.append(String(seq))
        }
        self.init(events: events, next: rows.count > query.pageSize ? cursors.last : nil, cursors: cursors)
    }
}

extension DeclarationListQuery {
    /// The stored bodies of the declarations in force that pass this query, in number order.
    public func statement(_ dialect: SQLDialect) -> SQLStatement {
        var s = SQLStatement(dialect)
        var clauses = ["d.version = (SELECT MAX(version) FROM declarations v WHERE v.number = d.number)"]
        if let number { clauses.append("d.number = \(s.bind(number))") }
        for (kind, value) in keys.sorted(by: { $0.key < $1.key }) {
            clauses.append(
                "EXISTS (SELECT 1 FROM declaration_keys k WHERE k.number = d.number AND k.kind = \(s.bind(kind)) AND k.value = \(s.bind(value)))"
            )
        }
        if let site { clauses.append("\(dialect.jsonText("d.body", "site")) = \(s.bind(site))") }
        if let since { clauses.append("d.received_at >= \(s.bind(Timestamp.format(since)))") }
        if let until { clauses.append("d.received_at < \(s.bind(Timestamp.format(until)))") }
        if let after { clauses.append("d.number > \(s.bind(after))") }
        let limit = s.bind(min(max(self.limit, 1), EventQuery.maxLimit))
        s.append("SELECT d.body FROM declarations d WHERE \(clauses.joined(separator: " AND ")) ORDER BY d.number LIMIT \(limit)")
        return s
    }
}

extension AuditEntry {
    /// Audit entries newest first, optionally of one action or actor, at or after `since` and before
    /// `until` (`at` is fixed-width RFC 3339 UTC text, so text order is time order), before a
    /// sequence number.
    public static func listing(
        action: String?, actor: String?, since: Date? = nil, until: Date? = nil, before: Int64?, limit: Int,
        _ dialect: SQLDialect
    ) -> SQLStatement {
        var s = SQLStatement(dialect)
        var clauses = ["1 = 1"]
        if let action { clauses.append("action = \(s.bind(action))") }
        if let actor { clauses.append("actor = \(s.bind(actor))") }
        if let since { clauses.append("at >= \(s.bind(Timestamp.format(since)))") }
        if let until { clauses.append("at < \(s.bind(Timestamp.format(until)))") }
        if let before { clauses.append("seq < \(s.bind(before))") }
        let limit = s.bind(limit)
        s.append("""
            SELECT seq, at, actor, role, action, target, detail FROM audit_log
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY seq DESC LIMIT \(limit)
            """)
        return s
    }
}
