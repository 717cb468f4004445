import GRDB

/// How far each consumer of the feed has been served, kept across restarts.
public protocol FeedCursorStore: Sendable {
    func feedCursor(_ consumer: String) async throws -> String?
    func setFeedCursor(_ consumer: String, _ cursor: String) async throws
}

extension SQLiteEventStore {
    static func registerFeedMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v5-feed-cursors") { db in
            try db.execute(sql: "CREATE TABLE feed_cursors (consumer TEXT PRIMARY KEY, cursor TEXT NOT NULL) WITHOUT ROWID")
        }
    }

    public func feedCursor(_ consumer: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT cursor FROM feed_cursors WHERE consumer = ?", arguments: [consumer])
        }
    }

    public func setFeedCursor(_ consumer: String, _ cursor: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO feed_cursors (consumer, cursor) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET cursor = excluded.cursor",
                arguments: [consumer, cursor])
        }
    }
}
