import Foundation
import HubModel
import HubSite
import HubStore

/// The rules as a state machine, pure: each stored event in, the outbox rows it makes out. Times
/// are the event's own arrival (`receivedAt`), so the same events give the same rows whenever they
/// are read. Per rule a matching event is
/// - ignored while the rule is disabled,
/// - `suppressed` outside the rule's hours,
/// - `folded` within `foldS` of the last message for the same kind and device,
/// - otherwise one pending row per recipient, due at once, and for an alarm one per recipient of
///   each escalation step, due `afterS` after it and sent only while it is unacknowledged; a step
///   whose due time falls outside its hours (its own, else the rule's) is one `suppressed` row.
/// The rows of a message carry its fold mark, so a restarted hub rebuilds the fold memory from
/// the outbox (`remember(_:)`) and does not message a burst twice.
/// What to send is rendered by the caller's `render` (so the engine knows no catalogs).
public struct NotificationEngine: Sendable {
    /// Rendered text of one message: the rule, the recipient, the step (0: first), the event.
    public typealias Render = (NotificationRule, Recipient, Int, InspectionEvent) -> String

    public private(set) var rules: [NotificationRule]
    public let zone: TimeZone
    /// Per rule, kind and device: when the last message went (its event's arrival).
    private var lastMessage: [String: Date] = [:]

    public init(rules: [NotificationRule], zone: TimeZone) {
        self.rules = rules
        self.zone = zone
    }

    /// The rules an admin saved: from the next event on. The fold memory stays (a rule keeps its
    /// name, so a burst under way stays folded).
    public mutating func replaceRules(_ rules: [NotificationRule]) { self.rules = rules }

    /// Takes in the fold marks of messages already made (read from the outbox at start).
    public mutating func remember(_ marks: [FoldMark]) {
        for m in marks {
            let key = Self.key(m.rule, m.kind, m.device)
            if let known = lastMessage[key], known >= m.at { continue }
            lastMessage[key] = m.at
        }
    }

    /// The longest fold window of the rules: how far back the fold memory must reach.
    public var longestFold: Double { rules.map(\.foldS).max() ?? 0 }

    private static func key(_ rule: String, _ kind: String, _ device: String) -> String { "\(rule)\u{0}\(kind)\u{0}\(device)" }

    public mutating func observe(_ e: InspectionEvent, render: Render) -> [OutboxMessage] {
        var out: [OutboxMessage] = []
        let at = e.receivedAt
        for rule in rules where rule.enabled && rule.match.matches(e) {
            guard rule.isActive(at: at, in: zone) else {
                out.append(OutboxMessage(rule: rule.name, eventID: e.id, step: 0, recipient: "", state: .suppressed, dueAt: at))
                continue
            }
            let key = Self.key(rule.name, e.kind, e.device.id)
            if let last = lastMessage[key], at.timeIntervalSince(last) < rule.foldS, at >= last {
                out.append(OutboxMessage(rule: rule.name, eventID: e.id, step: 0, recipient: "", state: .folded, dueAt: at))
                continue
            }
            remember(key, at, fold: rule.foldS)
            let mark = FoldMark(rule: rule.name, kind: e.kind, device: e.device.id, at: at)
            for r in rule.notify {
                out.append(OutboxMessage(
                    rule: rule.name, eventID: e.id, step: 0, recipient: r.label, dueAt: at, message: render(rule, r, 0, e), fold: mark))
            }
            // Only an alarm is acknowledged, so only an alarm escalates.
            guard e.severity == .alarm else { continue }
            for (i, step) in rule.escalate.enumerated() {
                let due = at.addingTimeInterval(step.afterS)
                guard rule.stepIsActive(i, at: due, in: zone) else {
                    out.append(OutboxMessage(rule: rule.name, eventID: e.id, step: i + 1, recipient: "", state: .suppressed, dueAt: due))
                    continue
                }
                for r in step.notify {
                    out.append(OutboxMessage(
                        rule: rule.name, eventID: e.id, step: i + 1, recipient: r.label, dueAt: due,
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
