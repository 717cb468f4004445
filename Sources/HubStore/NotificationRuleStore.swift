import Foundation
import GRDB

/// The notification rules as an admin last saved them (JSON, as the site file writes rules),
/// with a version each save raises: the running service polls the version and reloads on a change,
/// so every hub on the store (each replica) takes an edit without a restart.
public struct StoredNotificationRules: Sendable, Equatable {
    public var version: Int64
    public var rules: String
    public var at: Date
    public var actor: String

    public init(version: Int64, rules: String, at: Date, actor: String) {
        self.version = version
        self.rules = rules
        self.at = at
        self.actor = actor
    }
}

/// Where the edited rule set is kept. Until the first save, the site file's rules stand.
public protocol NotificationRuleStore: Sendable {
    /// The saved set; nil before any admin edit.
    func notificationRules() async throws -> StoredNotificationRules?
    /// The saved set's version alone (0: none), cheap enough to poll.
    func notificationRulesVersion() async throws -> Int64
    /// Saves `rules` as version `expected + 1`, only if the saved version is still `expected` (two
    /// admins editing at once: the second is told, nothing is lost); false when it was not.
    func saveNotificationRules(_ rules: String, expected: Int64, actor: String, at: Date) async throws -> Bool
}

extension SQLiteEventStore {
    /// PostgreSQL's migration 15: the rule set's one row, and the outbox's fold marks.
    static func registerNotificationRuleMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v13-notification-rules") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notification_rules (
                        id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, rules TEXT NOT NULL, at REAL NOT NULL,
                        actor TEXT NOT NULL);
                    ALTER TABLE notification_outbox ADD COLUMN fold_kind TEXT;
                    ALTER TABLE notification_outbox ADD COLUMN fold_device TEXT;
                    ALTER TABLE notification_outbox ADD COLUMN fold_at REAL;
                    CREATE INDEX notification_outbox_fold ON notification_outbox (fold_at);
                    """)
        }
    }

    public func notificationRules() async throws -> StoredNotificationRules? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT version, rules, at, actor FROM notification_rules WHERE id = 1").map {
                StoredNotificationRules(version: $0["version"], rules: $0["rules"], at: Date(timeIntervalSince1970: $0["at"]), actor: $0["actor"])
            }
        }
    }

    public func notificationRulesVersion() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT version FROM notification_rules WHERE id = 1") ?? 0 }
    }

    public func saveNotificationRules(_ rules: String, expected: Int64, actor: String, at: Date) async throws -> Bool {
        try await pool.write { db in
            if expected == 0 {
                try db.execute(
                    sql: "INSERT INTO notification_rules (id, version, rules, at, actor) VALUES (1, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    arguments: [rules, at.timeIntervalSince1970, actor])
            } else {
                try db.execute(
                    sql: "UPDATE notification_rules SET version = version + 1, rules = ?, at = ?, actor = ? WHERE id = 1 AND version = ?",
                    arguments: [rules, at.timeIntervalSince1970, actor, expected])
            }
            return db.changesCount == 1
        }
    }
}
