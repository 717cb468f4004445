import Foundation
import GRDB
import HubModel

/// Where a notification stands in the outbox.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its time (an escalation) or for its next attempt.
    case pending
    case sent
    /// Gave up after the configured attempts.
    case failed
    /// An escalation the alarm's acknowledgement made unnecessary.
    case cancelled
    /// Matched while its rule was outside its hours: recorded, not sent.
    case suppressed
    /// Matched within the fold window of an earlier message for the same alarm: recorded, not sent.
    case folded
}

/// One notification: which rule and event it is for, to whom, when it is due, and what to send
/// (`message`, the rendered form the sender reads: JSON).
public struct OutboxMessage: Sendable, Equatable {
    /// Set by the store.
    public var id: Int64
    public var rule: String
    public var eventID: String
    /// 0: the rule's recipients; n: its n-th escalation step.
    public var step: Int
    /// Who (`email:a@b`, `webhook:https://…`), never a secret.
    public var recipient: String
    public var state: OutboxState
    public var dueAt: Date
    public var attempts: Int
    public var lastError: String?
    /// Sent only while the event has no acknowledgement (escalations); otherwise cancelled.
    public var unlessAcknowledged: Bool
    public var message: String

    public init(
        id: Int64 = 0, rule: String, eventID: String, step: Int, recipient: String, state: OutboxState = .pending, dueAt: Date,
        attempts: Int = 0, lastError: String? = nil, unlessAcknowledged: Bool = false, message: String = ""
    ) {
        self.id = id
        self.rule = rule
        self.eventID = eventID
        self.step = step
        self.recipient = recipient
        self.state = state
        self.dueAt = dueAt
        self.attempts = attempts
        self.lastError = lastError
        self.unlessAcknowledged = unlessAcknowledged
        self.message = message
    }
}

/// Per rule: how many messages are in each state, how many pending ones were tried already, and
/// the newest error.
public struct NotificationCounts: Sendable, Equatable, Codable {
    public var rule: String
    public var counts: [String: Int]
    public var retrying: Int
    public var lastError: String?

    public init(rule: String, counts: [String: Int] = [:], retrying: Int = 0, lastError: String? = nil) {
        self.rule = rule
        self.counts = counts
        self.retrying = retrying
        self.lastError = lastError
    }
}

/// The notifications outbox: written with the position of the events that made it, in one
/// transaction (so a restart neither loses nor repeats them), read when due, updated per attempt.
public protocol NotificationOutboxStore: Sendable {
    /// Adds `messages` and saves the feed cursor `consumer` at `cursor`, together.
    func enqueueNotifications(_ messages: [OutboxMessage], consumer: String, cursor: String) async throws
    /// Pending messages due at `now`, oldest due first.
    func dueNotifications(at now: Date, limit: Int) async throws -> [OutboxMessage]
    /// Records an attempt's outcome (or a cancellation): state, attempts, next due time, error.
    func updateNotification(_ id: Int64, state: OutboxState, attempts: Int, dueAt: Date, lastError: String?) async throws
    /// Every message of an event, by id (the status screen and tests).
    func notifications(eventID: String) async throws -> [OutboxMessage]
    /// Counts per rule.
    func notificationCounts() async throws -> [NotificationCounts]
}

extension NotificationCounts {
    /// Folds `(rule, state, tried, n)` rows and `(rule, error)` rows into one value per rule, by name.
    public static func fold(_ rows: [(String, String, Bool, Int)], errors: [(String, String)]) -> [NotificationCounts] {
        var out: [String: NotificationCounts] = [:]
        for (rule, state, tried, n) in rows {
            out[rule, default: NotificationCounts(rule: rule)].counts[state, default: 0] += n
            if tried, state == OutboxState.pending.rawValue { out[rule]!.retrying += n }
        }
        for (rule, error) in errors { out[rule, default: NotificationCounts(rule: rule)].lastError = error }
        return out.values.sorted { $0.rule < $1.rule }
    }

    /// The SQL both stores run for `fold`.
    public static let countsSQL =
        "SELECT rule, state, attempts > 0 AS tried, COUNT(*) AS n FROM notification_outbox GROUP BY rule, state, attempts > 0"
    public static let errorsSQL = """
        SELECT rule, last_error FROM notification_outbox
        WHERE id IN (SELECT MAX(id) FROM notification_outbox WHERE last_error IS NOT NULL GROUP BY rule)
        """
}

extension SQLiteEventStore {
    /// Registered last (PostgreSQL's migration 14).
    static func registerNotificationMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v12-notification-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notification_outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, rule TEXT NOT NULL, event_id TEXT NOT NULL, step INTEGER NOT NULL,
                        recipient TEXT NOT NULL, state TEXT NOT NULL, due_at REAL NOT NULL, attempts INTEGER NOT NULL,
                        last_error TEXT, unless_acknowledged INTEGER NOT NULL, message TEXT NOT NULL);
                    CREATE INDEX notification_outbox_due ON notification_outbox (state, due_at);
                    CREATE INDEX notification_outbox_event ON notification_outbox (event_id);
                    """)
        }
    }

    public func enqueueNotifications(_ messages: [OutboxMessage], consumer: String, cursor: String) async throws {
        try await pool.write { db in
            for m in messages {
                try db.execute(
                    sql: """
                        INSERT INTO notification_outbox
                            (rule, event_id, step, recipient, state, due_at, attempts, last_error, unless_acknowledged, message)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        m.rule, m.eventID, m.step, m.recipient, m.state.rawValue, m.dueAt.timeIntervalSince1970, m.attempts, m.lastError,
                        m.unlessAcknowledged, m.message,
                    ])
            }
            try db.execute(
                sql: "INSERT INTO feed_cursors (consumer, cursor) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET cursor = excluded.cursor",
                arguments: [consumer, cursor])
        }
    }

    public func dueNotifications(at now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM notification_outbox WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
                arguments: [now.timeIntervalSince1970, limit]
            ).map(Self.outboxMessage)
        }
    }

    public func updateNotification(_ id: Int64, state: OutboxState, attempts: Int, dueAt: Date, lastError: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE notification_outbox SET state = ?, attempts = ?, due_at = ?, last_error = ? WHERE id = ?",
                arguments: [state.rawValue, attempts, dueAt.timeIntervalSince1970, lastError, id])
        }
    }

    public func notifications(eventID: String) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notification_outbox WHERE event_id = ? ORDER BY id", arguments: [eventID])
                .map(Self.outboxMessage)
        }
    }

    public func notificationCounts() async throws -> [NotificationCounts] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: NotificationCounts.countsSQL).map {
                ($0["rule"] as String, $0["state"] as String, $0["tried"] as Bool, $0["n"] as Int)
            }
            let errors = try Row.fetchAll(db, sql: NotificationCounts.errorsSQL).map { ($0["rule"] as String, $0["last_error"] as String) }
            return NotificationCounts.fold(rows, errors: errors)
        }
    }

    private static func outboxMessage(_ r: Row) -> OutboxMessage {
        OutboxMessage(
            id: r["id"], rule: r["rule"], eventID: r["event_id"], step: r["step"], recipient: r["recipient"],
            state: OutboxState(rawValue: r["state"]) ?? .failed, dueAt: Date(timeIntervalSince1970: r["due_at"]),
            attempts: r["attempts"], lastError: r["last_error"], unlessAcknowledged: r["unless_acknowledged"], message: r["message"])
    }
}
