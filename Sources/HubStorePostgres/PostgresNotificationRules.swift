#if PostgreSQL
import Foundation
import HubStore
import Logging
import PostgresNIO

/// The edited notification rules on PostgreSQL (migration 15), as `NotificationRuleStore.swift`
/// describes them; every replica polls the one row's version.
extension PostgresEventStore {
    public func notificationRules() async throws -> StoredNotificationRules? {
        for try await (version, rules, at, actor) in try await client.query(
            "SELECT version, rules, at, actor FROM notification_rules WHERE id = 1", logger: logger
        ).decode((Int64, String, Double, String).self) {
            return StoredNotificationRules(version: version, rules: rules, at: Date(timeIntervalSince1970: at), actor: actor)
        }
        return nil
    }

    public func notificationRulesVersion() async throws -> Int64 {
        for try await version in try await client.query("SELECT version FROM notification_rules WHERE id = 1", logger: logger)
            .decode(Int64.self)
        {
            return version
        }
        return 0
    }

    public func saveNotificationRules(_ rules: String, expected: Int64, actor: String, at: Date) async throws -> Bool {
        let logger = self.logger
        let seconds = at.timeIntervalSince1970
        return try await writing { client in
            let query: PostgresQuery =
                expected == 0
                ? """
                INSERT INTO notification_rules (id, version, rules, at, actor) VALUES (1, 1, \(rules), \(seconds), \(actor))
                ON CONFLICT (id) DO NOTHING RETURNING version
                """
                : """
                UPDATE notification_rules SET version = version + 1, rules = \(rules), at = \(seconds), actor = \(actor)
                WHERE id = 1 AND version = \(expected) RETURNING version
                """
            return try await !client.query(query, logger: logger).collect().isEmpty
        }
    }

    public func foldMarks(since: Date) async throws -> [FoldMark] {
        var query = PostgresQuery(unsafeSQL: NotificationCounts.foldMarksSQL)
        try query.binds.append(since.timeIntervalSince1970, context: .default)
        var out: [FoldMark] = []
        for try await (rule, kind, device, at) in try await client.query(query, logger: logger).decode((String, String, String, Double).self) {
            out.append(FoldMark(rule: rule, kind: kind, device: device, at: Date(timeIntervalSince1970: at)))
        }
        return out
    }

    public func purgeNotifications(before: Date, limit: Int) async throws -> Int {
        var query = PostgresQuery(unsafeSQL: NotificationCounts.purgeSQL + " RETURNING id")
        try query.binds.append(before.timeIntervalSince1970, context: .default)
        try query.binds.append(limit, context: .default)
        let logger = self.logger
        let bound = query
        return try await writing { client in try await client.query(bound, logger: logger).collect().count }
    }
}
#endif
