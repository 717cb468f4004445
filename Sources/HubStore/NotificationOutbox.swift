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
    /// On the rows of a message that later events of its kind and device fold into: what the
    /// fold memory is rebuilt from after a restart. Written, not read back with the row.
    public var fold: FoldMark?

    public init(
        id: Int64 = 0, rule: String, eventID: String, step: Int, recipient: String, state: OutboxState = .pending, dueAt: Date,
        attempts: Int = 0, lastError: String? = nil, unlessAcknowledged: Bool = false, message: String = "", fold: FoldMark? = nil
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
        self.fold = fold
    }
}

/// A message that folds: its rule, its event's kind and device, and its event's arrival.
public struct FoldMark: Sendable, Equatable, Hashable {
    public var rule: String
    public var kind: String
    public var device: String
    public var at: Date

    public init(rule: String, kind: String, device: String, at: Date) {
        self.rule = rule
        self.kind = kind
        self.device = device
        self.at = at
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
    /// Per rule, kind and device, the newest fold mark at or after `since` (the fold memory a
    /// restarted hub starts from).
    func foldMarks(since: Date) async throws -> [FoldMark]
    /// Deletes up to `limit` of the oldest messages in a final state (sent, failed, cancelled,
    /// suppressed, folded) last touched before `before`; returns how many. Pending ones stay.
    func purgeNotifications(before: Date, limit: Int) async throws -> Int
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

    /// The SQL both stores run for `foldMarks` (one argument: since).
    public static let foldMarksSQL = """
        SELECT rule, fold_kind, fold_device, MAX(fold_at) AS at FROM notification_outbox
        WHERE fold_at >= $1 GROUP BY rule, fold_kind, fold_device
        """
    /// The SQL both stores run for `purgeNotifications` (arguments: before, limit).
    public static let purgeSQL = """
        DELETE FROM notification_outbox WHERE id IN (
            SELECT id FROM notification_outbox
            WHERE state IN ('sent', 'failed', 'cancelled', 'suppressed', 'folded') AND due_at < $1 ORDER BY due_at LIMIT $2)
        """

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
        registerNotificationRuleMigration(&m)
    }

    public func enqueueNotifications(_ messages: [OutboxMessage], consumer: String, cursor: String) async throws {
        try await pool.write { db in
            for m in messages {
                try db.execute(
                    sql: """
                        INSERT INTO notification_outbox
                            (rule, event_id, step, recipient, state, due_at, attempts, last_error, unless_acknowledged, message,
                             fold_kind, fold_device, fold_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        m.rule, m.eventID, m.step, m.recipient, m.state.rawValue, m.dueAt.timeIntervalSince1970, m.attempts, m.lastError,
                        m.unlessAcknowledged, m.message, m.fold?.kind, m.fold?.device, m.fold?.at.timeIntervalSince1970,
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

    public func foldMarks(since: Date) async throws -> [FoldMark] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.numbered(NotificationCounts.foldMarksSQL), arguments: [since.timeIntervalSince1970]).map {
                FoldMark(rule: $0["rule"], kind: $0["fold_kind"], device: $0["fold_device"], at: Date(timeIntervalSince1970: $0["at"]))
            }
        }
    }

    public func purgeNotifications(before: Date, limit: Int) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: Self.numbered(NotificationCounts.purgeSQL), arguments: [before.timeIntervalSince1970, limit])
            return db.changesCount
        }
    }

    /// PostgreSQL's `$1` as SQLite's `?1`.
    private static func numbered(_ sql: String) -> String { sql.replacingOccurrences(of: "$", with: "?") }

    private static func outboxMessage(_ r: Row) -> OutboxMessage {
        OutboxMessage(
            id: r["id"], rule: r["rule"], eventID: r["event_id"], step: r["step"], recipient: r["recipient"],
            state: OutboxState(rawValue: r["state"]) ?? .failed, dueAt: Date(timeIntervalSince1970: r["due_at"]),
            attempts: r["attempts"], lastError: r["last_error"], unlessAcknowledged: r["unless_acknowledged"], message: r["message"])
    }
}
