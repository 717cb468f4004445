import Foundation
import Hummingbird
import HubModel
import HubSite
import HubStore

/// `GET /api/v1/notifications`: per notification rule (every configured one, and any the outbox
/// still holds messages of), how many messages were sent, failed, are retrying or waiting, and
/// were cancelled (an acknowledged alarm's escalation), suppressed (outside the rule's hours) or
/// folded (a burst of the same alarm), with the newest error. `GET /api/v1/notifications/{eventId}`:
/// the messages one event made. Admins only: they name recipients.
struct NotificationRoutes: RouteController {
    let outbox: any NotificationOutboxStore
    let rules: any NotificationRuleStore
    let config: ConfigState?

    private typealias S = OpenAPISchemas

    static let states = OutboxState.allCases.map(\.rawValue)

    func register(on routes: RouteTable) {
        var counts: [String: S.Schema] = ["rule": S.string, "retrying": S.integer, "lastError": S.string]
        for s in Self.states { counts[s] = S.integer }
        routes.get(
            "/api/v1/notifications", .admin,
            doc: .init(
                summary: "Notifications per rule: sent, failed, retrying, pending, cancelled, suppressed, folded, the newest error.",
                response: S.object(["rules": S.array(S.object(counts, required: ["rule", "retrying"] + Self.states))], required: ["rules"]))
        ) { _, _ in
            var byRule = Dictionary(uniqueKeysWithValues: try await outbox.notificationCounts().map { ($0.rule, $0) })
            // The rules in force: the saved set once an admin edited it, else the site file's.
            let inForce = try await rules.notificationRules().flatMap { try? NotificationRuleDocument.rules(fromJSON: $0.rules) }
                ?? config?.current.notifications.rules ?? []
            for rule in inForce where byRule[rule.name] == nil {
                byRule[rule.name] = NotificationCounts(rule: rule.name)
            }
            let rules = byRule.values.sorted { $0.rule < $1.rule }.map(RuleBody.init)
            return try JSONResponse.make(["rules": rules])
        }
        routes.get(
            "/api/v1/notifications/:eventId", .admin,
            doc: .init(
                summary: "The notifications one event made, in the order made: rule, escalation step, recipient, state, attempts.",
                response: S.object(["messages": S.array(S.object(
                    ["id": S.integer, "rule": S.string, "step": S.integer, "recipient": S.string, "state": S.oneOf(Self.states),
                     "dueAt": S.time, "attempts": S.integer, "lastError": S.string],
                    required: ["id", "rule", "step", "recipient", "state", "dueAt", "attempts"]))], required: ["messages"]))
        ) { _, context in
            let id = try context.parameters.require("eventId")
            let messages = try await outbox.notifications(eventID: id).map(MessageBody.init)
            return try JSONResponse.make(["messages": messages])
        }
    }

    /// One rule's counts, every state present (0 when none).
    struct RuleBody: Encodable {
        var rule: String
        var pending, sent, failed, cancelled, suppressed, folded, retrying: Int
        var lastError: String?

        init(_ c: NotificationCounts) {
            func n(_ s: OutboxState) -> Int { c.counts[s.rawValue] ?? 0 }
            rule = c.rule
            pending = n(.pending)
            sent = n(.sent)
            failed = n(.failed)
            cancelled = n(.cancelled)
            suppressed = n(.suppressed)
            folded = n(.folded)
            retrying = c.retrying
            lastError = c.lastError
        }
    }

    /// One message, without what it says (its recipient is named; a webhook's secret never is).
    struct MessageBody: Encodable {
        var id: Int64
        var rule: String
        var step: Int
        var recipient: String
        var state: String
        var dueAt: String
        var attempts: Int
        var lastError: String?

        init(_ m: OutboxMessage) {
            id = m.id
            rule = m.rule
            step = m.step
            recipient = m.recipient
            state = m.state.rawValue
            dueAt = Timestamp.format(m.dueAt)
            attempts = m.attempts
            lastError = m.lastError
        }
    }
}
