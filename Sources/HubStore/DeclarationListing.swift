import Foundation
import GRDB
import HubModel

/// Filters for listing declarations in force, by number, one page at a time.
public struct DeclarationListQuery: Sendable, Equatable {
    public var number: String?
    /// Identifiers of the version in force: `container`, `plate`, `seal`, `ucr` → value.
    public var keys: [String: String] = [:]
    public var site: String?
    /// The version in force was received in [since, until).
    public var since: Date?
    public var until: Date?
    /// Numbers after this one (the previous page's last).
    public var after: String?
    public var limit = 100

    public init() {}
}

extension SQLiteEventStore {
    /// Declarations (each number's latest version) passing `query`, in number order.
    public func declarations(_ query: DeclarationListQuery) async throws -> [Declaration] {
        var clauses = ["d.version = (SELECT MAX(version) FROM declarations v WHERE v.number = d.number)"]
        var args: [any DatabaseValueConvertible] = []
        if let n = query.number { clauses.append("d.number = ?"); args.append(n) }
        for (kind, value) in query.keys.sorted(by: { $0.key < $1.key }) {
            clauses.append("EXISTS (SELECT 1 FROM declaration_keys k WHERE k.number = d.number AND k.kind = ? AND k.value = ?)")
            args += [kind, value]
        }
        if let s = query.site { clauses.append("json_extract(d.body, '$.site') = ?"); args.append(s) }
        if let s = query.since { clauses.append("d.received_at >= ?"); args.append(Timestamp.format(s)) }
        if let u = query.until { clauses.append("d.received_at < ?"); args.append(Timestamp.format(u)) }
        if let a = query.after { clauses.append("d.number > ?"); args.append(a) }
        args.append(min(max(query.limit, 1), EventQuery.maxLimit))
        let sql = "SELECT d.body FROM declarations d WHERE \(clauses.joined(separator: " AND ")) ORDER BY d.number LIMIT ?"
        let arguments = StatementArguments(args.map { $0.databaseValue })
        let bodies = try await pool.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        let decoder = Self.declarationDecoder
        return try bodies.map { try decoder.decode(Declaration.self, from: Data($0.utf8)) }
    }
}
