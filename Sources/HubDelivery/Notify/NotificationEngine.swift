import Foundation
import HubModel
import HubSite
import HubStore

/// The rules as a state machine, pure: each stored event in, the outbox rows it makes out. Times
/// are the event's own arrival (`receivedAt`), so the same events give the same rows whenever they
/// are read. Per rule a matching event is
/// - `suppressed` outside the rule's hours,
/// - `folded` within `foldS` of the last message for the same kind and device,
/// - otherwise one pending row per recipient, due at once, and for an alarm one per recipient of
///   each escalation step, due `afterS` after it and sent only while it is unacknowledged.
/// What to send is rendered by the caller's `render` (so the engine knows no catalogs).
public struct NotificationEngine: Sendable {
    /// Rendered text of one message: the rule, the recipient, the step (0: first), the event.
    public typealias Render = (NotificationRule, Recipient, Int, InspectionEvent) -> String

    public let rules: [NotificationRule]
    public let zone: TimeZone
    /// Per rule, kind and device: when the last message went (its event's arrival).
    private var lastMessage: [String: Date] = [:]

    public init(rules: [NotificationRule], zone: TimeZone) {
        self.rules = rules
        self.zone = zone
    }

    public mutating func observe(_ e: InspectionEvent, render: Render) -> [OutboxMessage] {
        var out: [OutboxMessage] = []
        let at = e.receivedAt
        for rule in rules where rule.match.matches(e) {
            guard rule.isActive(at: at, in: zone) else {
                out.append(OutboxMessage(rule: rule.name, eventID: e.id, step: 0, recipient: "", state: .suppressed, dueAt: at))
                continue
            }
            let key = "\(rule.name)\u{0}\(e.kind)\u{0}\(e.device.id)"
            if let last = lastMessage[key], at.timeIntervalSince(last) < rule.foldS, at >= last {
                out.append(OutboxMessage(rule: rule.name, eventID: e.id, step: 0, recipient: "", state: .folded, dueAt: at))
                continue
            }
            remember(key, at, fold: rule.foldS)
            for r in rule.notify {
                out.append(OutboxMessage(rule: rule.name, eventID: e.id, step: 0, recipient: r.label, dueAt: at, message: render(rule, r, 0, e)))
            }
            // Only an alarm is acknowledged, so only an alarm escalates.
            guard e.severity == .alarm else { continue }
            for (i, step) in rule.escalate.enumerated() {
                for r in step.notify {
                    out.append(OutboxMessage(
                        rule: rule.name, eventID: e.id, step: i + 1, recipient: r.label, dueAt: at.addingTimeInterval(step.afterS),
                        unlessAcknowledged: true, message: render(rule, r, i + 1, e)))
                }
            }
        }
        return out
    }

    /// Keeps the fold memory small: past 4096 keys, those older than the longest window go.
    private mutating func remember(_ key: String, _ at: Date, fold: Double) {
        lastMessage[key] = at
        guard lastMessage.count > 4096 else { return }
        let longest = rules.map(\.foldS).max() ?? fold
        lastMessage = lastMessage.filter { at.timeIntervalSince($0.value) < longest }
    }

    /// What to do with a due message.
    public enum Disposition: Sendable, Equatable {
        case send
        /// An escalation whose alarm was acknowledged.
        case cancel
    }

    public static func disposition(_ m: OutboxMessage, acknowledged: Bool) -> Disposition {
        m.unlessAcknowledged && acknowledged ? .cancel : .send
    }

    /// After a failed attempt: pending again after a backoff doubling from one second up to
    /// `maxBackoffS`, or failed once `maxAttempts` are spent.
    public static func afterFailure(
        _ m: OutboxMessage, now: Date, maxAttempts: Int, maxBackoffS: Double
    ) -> (state: OutboxState, attempts: Int, dueAt: Date) {
        let attempts = m.attempts + 1
        guard attempts < maxAttempts else { return (.failed, attempts, now) }
        let backoff = min(pow(2, Double(attempts - 1)), maxBackoffS)
        return (.pending, attempts, now.addingTimeInterval(backoff))
    }
}
