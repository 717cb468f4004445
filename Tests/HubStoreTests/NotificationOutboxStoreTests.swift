import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// The notifications outbox, in both stores: rows saved with the cursor that made them, read when
/// due, updated per attempt, counted per rule, and kept across reopening the store.
struct NotificationOutboxStoreTests {
    @Test(arguments: StoreKind.testable)
    func messagesAreDueInTimeUpdatedCountedAndKept(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("notify-outbox")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.enqueueNotifications([
            OutboxMessage(rule: "ops", eventID: "E1", step: 0, recipient: "email:op@gate.example", dueAt: t0, message: "{\"m\":1}"),
            OutboxMessage(rule: "ops", eventID: "E1", step: 1, recipient: "email:chief@gate.example", dueAt: t0.addingTimeInterval(600),
                          unlessAcknowledged: true, message: "{\"m\":2}"),
            OutboxMessage(rule: "ops", eventID: "E2", step: 0, recipient: "", state: .folded, dueAt: t0),
            OutboxMessage(rule: "night", eventID: "E2", step: 0, recipient: "", state: .suppressed, dueAt: t0),
        ], consumer: "notifications", cursor: "42")
        #expect(try await store.feedCursor("notifications") == "42")

        let due = try await store.dueNotifications(at: t0.addingTimeInterval(1), limit: 10)
        #expect(due.map(\.recipient) == ["email:op@gate.example"] && due.first?.message == "{\"m\":1}")
        let first = try #require(due.first)
        try await store.updateNotification(first.id, state: .pending, attempts: 1, dueAt: t0.addingTimeInterval(2), lastError: "refused")
        #expect(try await store.dueNotifications(at: t0.addingTimeInterval(1), limit: 10).isEmpty)
        #expect(try await store.dueNotifications(at: t0.addingTimeInterval(601), limit: 10).map(\.step) == [0, 1])
        #expect(try await store.notificationCounts() == [
            NotificationCounts(rule: "night", counts: ["suppressed": 1]),
            NotificationCounts(rule: "ops", counts: ["pending": 2, "folded": 1], retrying: 1, lastError: "refused"),
        ])
        try await store.updateNotification(first.id, state: .sent, attempts: 2, dueAt: t0.addingTimeInterval(3), lastError: nil)
        let escalation = try #require(try await store.notifications(eventID: "E1").last)
        #expect(escalation.unlessAcknowledged && escalation.dueAt == t0.addingTimeInterval(600))
        try await store.updateNotification(escalation.id, state: .cancelled, attempts: 0, dueAt: escalation.dueAt, lastError: nil)
        await store.close()

        let reopened = try await under.reopen()
        #expect(try await reopened.notifications(eventID: "E1").map { "\($0.step):\($0.state.rawValue):\($0.attempts)" } == [
            "0:sent:2", "1:cancelled:0",
        ])
        #expect(try await reopened.dueNotifications(at: t0.addingTimeInterval(10_000), limit: 10).isEmpty)
        let ops = try #require(try await reopened.notificationCounts().first { $0.rule == "ops" })
        // A message sent in the end carries no error: the rule has none to show.
        #expect(ops.counts == ["sent": 1, "cancelled": 1, "folded": 1] && ops.retrying == 0 && ops.lastError == nil)
        await reopened.close()
    }
}

extension NotificationOutboxStoreTests {
    /// Retention: messages in a final state older than the cutoff go, a pending one stays whatever
    /// its age, and the purger notes the run in the audit log.
    @Test(arguments: StoreKind.testable)
    func oldFinishedMessagesArePurgedAndPendingOnesKept(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("notify-purge")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let old = now.addingTimeInterval(-100 * 86_400)
        try await store.enqueueNotifications([
            OutboxMessage(rule: "ops", eventID: "OLD-SENT", step: 0, recipient: "email:op@gate.example", state: .sent, dueAt: old),
            OutboxMessage(rule: "ops", eventID: "OLD-FOLDED", step: 0, recipient: "", state: .folded, dueAt: old),
            OutboxMessage(rule: "ops", eventID: "OLD-FAILED", step: 0, recipient: "email:op@gate.example", state: .failed, dueAt: old),
            OutboxMessage(rule: "ops", eventID: "OLD-PENDING", step: 1, recipient: "email:chief@gate.example", dueAt: old, unlessAcknowledged: true),
            OutboxMessage(rule: "ops", eventID: "NEW-SENT", step: 0, recipient: "email:op@gate.example", state: .sent, dueAt: now),
        ], consumer: "notifications", cursor: "7")
        let runs = try await RetentionPurger(store: store, policy: RetentionPolicy(batchRows: 2, pauseSeconds: 0)).purge(now: now)
        #expect(runs.map(\.target) == ["notification_outbox"] && runs.first?.rows == 3 && runs.first?.batches == 2)
        for gone in ["OLD-SENT", "OLD-FOLDED", "OLD-FAILED"] { #expect(try await store.notifications(eventID: gone).isEmpty) }
        #expect(try await store.notifications(eventID: "OLD-PENDING").map(\.state) == [.pending])
        #expect(try await store.notifications(eventID: "NEW-SENT").map(\.state) == [.sent])
        let audit = try await store.auditEntries(action: "retention.purge", actor: nil, since: nil, until: nil, before: nil, limit: 10)
        #expect(audit.first?.target == "notification_outbox")
        await store.close()
    }

    /// The fold marks a restarted hub starts from: per rule, kind and device the newest, from `since` on.
    @Test(arguments: StoreKind.testable)
    func foldMarksAreTheNewestPerRuleKindAndDevice(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("notify-folds")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func mark(_ device: String, _ s: Double) -> FoldMark { FoldMark(rule: "ops", kind: "radiation.alarm", device: device, at: t0.addingTimeInterval(s)) }
        try await store.enqueueNotifications([
            OutboxMessage(rule: "ops", eventID: "A1", step: 0, recipient: "email:a@b", dueAt: t0, fold: mark("rpm-1", 0)),
            OutboxMessage(rule: "ops", eventID: "A1", step: 0, recipient: "email:c@d", dueAt: t0, fold: mark("rpm-1", 0)),
            OutboxMessage(rule: "ops", eventID: "A2", step: 0, recipient: "email:a@b", dueAt: t0, fold: mark("rpm-1", 400)),
            OutboxMessage(rule: "ops", eventID: "B1", step: 0, recipient: "email:a@b", dueAt: t0, fold: mark("rpm-2", 100)),
            OutboxMessage(rule: "ops", eventID: "A3", step: 0, recipient: "", state: .folded, dueAt: t0.addingTimeInterval(500)),
        ], consumer: "notifications", cursor: "9")
        #expect(Set(try await store.foldMarks(since: t0)) == [mark("rpm-1", 400), mark("rpm-2", 100)])
        #expect(try await store.foldMarks(since: t0.addingTimeInterval(200)) == [mark("rpm-1", 400)])
        await store.close()
    }

    /// The edited rule set: saved with a version, refused when another save came first, kept across reopening.
    @Test(arguments: StoreKind.testable)
    func theRuleSetIsSavedByVersion(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("notify-rules")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await store.notificationRules() == nil)
        #expect(try await store.notificationRulesVersion() == 0)
        #expect(try await store.saveNotificationRules("[1]", expected: 0, actor: "admin", at: at))
        #expect(try await !store.saveNotificationRules("[2]", expected: 0, actor: "other", at: at))
        #expect(try await store.saveNotificationRules("[3]", expected: 1, actor: "lan", at: at))
        #expect(try await !store.saveNotificationRules("[4]", expected: 1, actor: "other", at: at))
        #expect(try await !store.saveNotificationRules("[5]", expected: 7, actor: "other", at: at))
        await store.close()
        let reopened = try await under.reopen()
        #expect(try await reopened.notificationRules() == StoredNotificationRules(version: 2, rules: "[3]", at: at, actor: "lan"))
        #expect(try await reopened.notificationRulesVersion() == 2)
        await reopened.close()
    }
}
