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
