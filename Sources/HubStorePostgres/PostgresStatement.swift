#if PostgreSQL
import HubStore
import PostgresNIO

/// SQL built piece by piece with its bindings, numbering `$n` placeholders as values are added.
struct PostgresStatement {
    var sql = ""
    var binds = PostgresBindings()

    init(_ sql: String = "") { self.sql = sql }

    /// Adds `value` as the next binding and returns its placeholder.
    mutating func bind<T: PostgresDynamicTypeEncodable>(_ value: T) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Adds `value` (or NULL) as the next binding and returns its placeholder.
    mutating func bind<T: PostgresDynamicTypeEncodable>(_ value: T?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

extension SQLStatement {
    /// The statement as postgres-nio sends it: its text and its values as bindings.
    var postgresQuery: PostgresQuery {
        var binds = PostgresBindings()
        for v in values {
            switch v {
            case .text(let t): binds.append(t)
            case .integer(let i): binds.append(i)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
#endif
