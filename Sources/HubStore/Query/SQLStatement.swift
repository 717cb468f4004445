import Foundation
import GRDB

/// The two SQL engines the stores run on. They differ in how a statement names its values
/// (`?` against `$1`) and how it reads a member of a JSON column.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The placeholder for the `n`th value (counting from 1).
    func placeholder(_ n: Int) -> String {
        switch self {
        case .sqlite: "?"
        case .postgres: "$\(n)"
        }
    }

    /// A top-level text member of the JSON document in `column`.
    func jsonText(_ column: String, _ member: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(member)')"
        case .postgres: "((\(column)::jsonb) ->> '\(member)')"
        }
    }
}

/// A value bound to a statement: the stores' columns hold only text and integers.
public enum SQLValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
}

/// One SQL statement with its values in placeholder order, built once for either store, so a
/// filter added to a query is written in one place and both stores answer it alike.
public struct SQLStatement: Sendable, Equatable {
    public let dialect: SQLDialect
    public private(set) var sql = ""
    public private(set) var values: [SQLValue] = []

    public init(_ dialect: SQLDialect) { self.dialect = dialect }

    /// Adds `value` as the next bound value and returns its placeholder.
    mutating func bind(_ value: String) -> String {
        values.append(.text(value))
        return dialect.placeholder(values.count)
    }

    mutating func bind(_ value: Int) -> String { bind(Int64(value)) }

    mutating func bind(_ value: Int64) -> String {
        values.append(.integer(value))
        return dialect.placeholder(values.count)
    }

    mutating func append(_ text: String) { sql += text }
}

extension SQLStatement {
    /// The values as GRDB binds them.
    var arguments: StatementArguments {
        StatementArguments(values.map { v -> DatabaseValue in
            switch v {
            case .text(let t): t.databaseValue
            case .integer(let i): i.databaseValue
            }
        })
    }
}
