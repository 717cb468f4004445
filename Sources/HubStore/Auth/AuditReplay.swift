import Foundation
import GRDB

extension SQLiteEventStore {
    /// The targets of every audit entry of `actions`, oldest first, with their action: for state the
    /// hub keeps as decisions in its audit log (unit admissions) and rebuilds at start.
    public func auditTargets(actions: [String]) async throws -> [(action: String, target: String)] {
        guard !actions.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: actions.count).joined(separator: ", ")
            return try Row.fetchAll(
                db, sql: "SELECT action, target FROM audit_log WHERE action IN (\(marks)) AND target IS NOT NULL ORDER BY seq",
                arguments: StatementArguments(actions)
            ).map { row -> (action: String, target: String) in (row["action"], row["target"]) }
        }
    }
}
