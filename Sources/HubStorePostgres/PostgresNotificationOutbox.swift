#if PostgreSQL
import Foundation
import HubStore
import Logging
import PostgresNIO

/// The notifications outbox on PostgreSQL (migration 14), as `NotificationOutbox.swift` describes
/// it for SQLite: messages and the cursor of the events that made them in one transaction.
extension PostgresEventStore {
    public func enqueueNotifications(_ messages: [OutboxMessage], consumer: String, cursor: String) async throws {
        let logger = self.logger
        try await writing { client in
            try await client.withTransaction(logger: logger) { db in
                for m in messages {
                    try await db.query(
                        """
                        INSERT INTO notification_outbox
                            (rule, event_id, step, recipient, state, due_at, attempts, last_error, unless_acknowledged, message,
                             fold_kind, fold_device, fold_at)
                        VALUES (\(m.rule), \(m.eventID), \(m.step), \(m.recipient), \(m.state.rawValue), \(m.dueAt.timeIntervalSince1970),
                                \(m.attempts), \(m.lastError), \(m.unlessAcknowledged), \(m.message), \(m.fold?.kind), \(m.fold?.device),
                                \(m.fold?.at.timeIntervalSince1970))
                        """, logger: logger)
                }
                try await db.query(
                    """
                    INSERT INTO feed_cursors (consumer, cursor) VALUES (\(consumer), \(cursor))
                    ON CONFLICT (consumer) DO UPDATE SET cursor = excluded.cursor
                    """, logger: logger)
            }
        }
    }

    public func dueNotifications(at now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await outbox(
            "SELECT \(unescaped: Self.outboxColumns) FROM notification_outbox WHERE state = 'pending' AND due_at <= \(now.timeIntervalSince1970) ORDER BY due_at, id LIMIT \(limit)")
    }

    public func updateNotification(_ id: Int64, state: OutboxState, attempts: Int, dueAt: Date, lastError: String?) async throws {
        try await client.query(
            """
            UPDATE notification_outbox SET state = \(state.rawValue), attempts = \(attempts), due_at = \(dueAt.timeIntervalSince1970),
                last_error = \(lastError) WHERE id = \(id)
            """, logger: logger)
    }

    public func notifications(eventID: String) async throws -> [OutboxMessage] {
        try await outbox("SELECT \(unescaped: Self.outboxColumns) FROM notification_outbox WHERE event_id = \(eventID) ORDER BY id")
    }

    public func notificationCounts() async throws -> [NotificationCounts] {
        var rows: [(String, String, Bool, Int)] = []
        for try await r in try await client.query(PostgresQuery(unsafeSQL: NotificationCounts.countsSQL), logger: logger)
            .decode((String, String, Bool, Int).self)
        {
            rows.append(r)
        }
        var errors: [(String, String)] = []
        for try await r in try await client.query(PostgresQuery(unsafeSQL: NotificationCounts.errorsSQL), logger: logger)
            .decode((String, String).self)
        {
            errors.append(r)
        }
        return NotificationCounts.fold(rows, errors: errors)
    }

    private static let outboxColumns =
        "id, rule, event_id, step, recipient, state, due_at, attempts, last_error, unless_acknowledged, message"

    private func outbox(_ query: PostgresQuery) async throws -> [OutboxMessage] {
        var out: [OutboxMessage] = []
        let rows = try await client.query(query, logger: logger)
        for try await (id, rule, event, step, recipient, state, due, attempts, error, unless, message) in rows.decode(
            (Int64, String, String, Int, String, String, Double, Int, String?, Bool, String).self)
        {
            out.append(OutboxMessage(
                id: id, rule: rule, eventID: event, step: step, recipient: recipient, state: OutboxState(rawValue: state) ?? .failed,
                dueAt: Date(timeIntervalSince1970: due), attempts: attempts, lastError: error, unlessAcknowledged: unless, message: message))
        }
        return out
    }
}
#endif
