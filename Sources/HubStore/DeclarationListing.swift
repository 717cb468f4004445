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
        let statement = query.statement(.sqlite)
        let bodies = try await pool.read { db in try String.fetchAll(db, sql: statement.sql, arguments: statement.arguments) }
        let decoder = Self.declarationDecoder
        return try bodies.map { try decoder.decode(Declaration.self, from: Data($0.utf8)) }
    }
}
