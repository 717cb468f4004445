import GRDB

extension SQLiteEventStore {
    /// SQLite's own check of the whole file (`PRAGMA integrity_check`): `["ok"]`, or each problem found.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}
