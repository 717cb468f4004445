import Foundation
import HubModel
import HubSite
import HubStore
import Logging
import Metrics
import ServiceLifecycle

/// Notifications as a `Service`: reads stored events in store order from its cursor (the feed's
/// cursors, as `notifications`), turns them into outbox rows with the rules (`NotificationEngine`)
/// and saves rows and cursor in one transaction; sends the rows that are due (e-mail through
/// `Mailer`, webhooks signed through `OutboundHTTP`), each retried with backoff until sent or
/// failed. An escalation due after its alarm's acknowledgement is cancelled, and an
/// acknowledgement heard live (`acknowledged`) cancels its escalations at once. A hub that starts
/// without a cursor begins after the newest stored event (it does not mail the past).
/// The rules come from `NotificationRuleSource` (the site file's, or an admin's saved set, looked
/// at before each page of events); the fold memory starts from the outbox's fold marks, so a burst
/// folded before a restart stays folded after it.
/// Idle, it sleeps until `eventsStored` rings (this hub stored events) or `idle` passes (what other
/// replicas stored, a rule saved by another): every hub runs it, with or without rules, and a
/// poll several times a second in each would cost more than it sends. With no rule enabled it
/// passes over the events without reading them, every `idle`.
/// Counted in `niihub_notifications_total{rule, outcome}`.
public struct NotificationService: Service {
    public typealias Store = EventStore & FeedCursorStore & NotificationOutboxStore & AdjudicationStore & NotificationRuleStore & StoreHead
    /// The name its position is kept under.
    public static let consumerName = "notifications"

    private let settings: NotificationSettings
    /// The rules in force: the site file's, or the saved set at its newest version.
    private let rules: NotificationRuleSource
    private let idle: Duration
    /// Rung by the ingest after each stored batch.
    private let stored: Doorbell
    /// Rung by the intake when it queued rows to send.
    private let queued = Doorbell()
    private let zone: TimeZone
    private let catalog: MessageCatalog
    private let http: OutboundHTTP
    private let store: any Store
    private let logger: Logger
    private let poll: Duration
    private let now: @Sendable () -> Date

    /// `catalogs` is the console's asset folder (for `i18n/`), `zone` the site's (`console.timeZone`),
    /// `stored` the bell the ingest rings after storing events; `poll` how often rows due soon
    /// (escalations, retries) are looked for, `idle` the longest sleep.
    public init(
        settings: NotificationSettings, zone: TimeZone, catalogs: URL?, http: OutboundHTTP, store: any Store, logger: Logger,
        stored: Doorbell = Doorbell(), poll: Duration = .milliseconds(200), idle: Duration = .seconds(2),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        rules = NotificationRuleSource(store: store, configured: settings.rules)
        self.stored = stored
        self.idle = idle
        self.zone = zone
        catalog = MessageCatalog(folder: catalogs)
        self.http = http
        self.store = store
        self.logger = logger
        self.poll = poll
        self.now = now
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await intake() }
                group.addTask { await sending() }
            }
        }
    }

    /// The alarm `eventID` was acknowledged: its pending escalations are cancelled now.
    public func acknowledged(_ eventID: String) async {
        guard let rows = try? await store.notifications(eventID: eventID) else { return }
        for m in rows where m.state == .pending && m.unlessAcknowledged {
            try? await store.updateNotification(m.id, state: .cancelled, attempts: m.attempts, dueAt: m.dueAt, lastError: nil)
            count(m.rule, "cancelled")
        }
    }

    private func intake() async {
        var engine = NotificationEngine(rules: rules.rules, zone: zone)
        var foldsRemembered = false
        var cursor: String?
        while !Task.isCancelled, cursor == nil {
            cursor = try? await startCursor()
            if cursor == nil { await stored.wait(upTo: poll) }
        }
        while !Task.isCancelled, let position = cursor {
            // The head before the rules: an event stored after it is read by rules looked at after it.
            let head = rules.anyEnabled ? nil : try? await store.headSeq()
            // Looked at before each page of events: an event stored after a save is read by the saved rules.
            await refreshRules(&engine)
            if !rules.anyEnabled {
                if let head, head > Int64(position) ?? 0,
                    (try? await store.enqueueNotifications([], consumer: Self.consumerName, cursor: String(head))) != nil
                {
                    cursor = String(head)
                }
                // Not woken by each stored batch: there is nothing to make of it.
                try? await Task.sleep(for: idle)
                continue
            }
            var q = EventQuery()
            q.cursor = position
            q.limit = 200
            let page = try? await store.events(q)
            guard let page, let last = page.cursors.last else {
                await stored.wait(upTo: page == nil ? poll : idle)
                continue
            }
            if !foldsRemembered {
                // The marks of messages made within the longest fold window before the first
                // event still to be read: what a hub that never stopped would remember.
                let since = (page.events.map(\.receivedAt).min() ?? now()).addingTimeInterval(-engine.longestFold)
                guard let marks = try? await store.foldMarks(since: since) else {
                    await stored.wait(upTo: poll)
                    continue
                }
                engine.remember(marks)
                foldsRemembered = true
            }
            let (catalog, zone) = (self.catalog, self.zone)
            var rows: [OutboxMessage] = []
            for e in page.events {
                rows += engine.observe(e) { rule, recipient, step, event in
                    NotificationPayload(rule: rule, recipient: recipient, step: step, event: event, catalog: catalog, zone: zone).json
                }
            }
            do {
                try await store.enqueueNotifications(rows, consumer: Self.consumerName, cursor: last)
                cursor = last
                for r in rows where r.state != .pending { count(r.rule, r.state.rawValue) }
                if rows.contains(where: { $0.state == .pending }) { queued.ring() }
            } catch {
                logger.warning("could not save notifications", metadata: ["error": "\(error)"])
                await stored.wait(upTo: poll)
            }
        }
    }

    private func refreshRules(_ engine: inout NotificationEngine) async {
        do {
            if let saved = try await rules.refresh() {
                engine.replaceRules(saved)
                logger.info("notification rules reloaded", metadata: ["rules": "\(saved.count)"])
            }
        } catch {
            logger.warning("could not read the saved notification rules", metadata: ["error": "\(error)"])
        }
    }

    /// The saved position, or (first start) the newest stored event's, saved now.
    private func startCursor() async throws -> String {
        if let saved = try await store.feedCursor(Self.consumerName) { return saved }
        var q = EventQuery()
        q.newestFirst = true
        q.limit = 1
        let start = try await store.events(q).cursors.first ?? "0"
        try await store.enqueueNotifications([], consumer: Self.consumerName, cursor: start)
        return start
    }

    private func sending() async {
        while !Task.isCancelled {
            guard let due = try? await store.dueNotifications(at: now(), limit: 50) else {
                await queued.wait(upTo: poll)
                continue
            }
            if due.isEmpty {
                // Rows due before the next idle wake-up (an escalation's delay, a retry's backoff)
                // are waited for at the poll; with none, until the intake queues some.
                let soon = (try? await store.dueNotifications(at: now().addingTimeInterval(Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18), limit: 1)) ?? []
                await queued.wait(upTo: soon.isEmpty ? idle : poll)
                continue
            }
            let watched = due.filter(\.unlessAcknowledged).map(\.eventID)
            let acknowledged = watched.isEmpty ? [] : Set(((try? await store.acknowledgements(eventIDs: watched)) ?? []).map(\.eventID))
            for m in due where !Task.isCancelled {
                switch NotificationEngine.disposition(m, acknowledged: acknowledged.contains(m.eventID)) {
                case .cancel:
                    try? await store.updateNotification(m.id, state: .cancelled, attempts: m.attempts, dueAt: m.dueAt, lastError: nil)
                    count(m.rule, "cancelled")
                case .send:
                    await attempt(m)
                }
            }
        }
    }

    private func attempt(_ m: OutboxMessage) async {
        do {
            try await deliver(m)
            try? await store.updateNotification(m.id, state: .sent, attempts: m.attempts + 1, dueAt: now(), lastError: nil)
            count(m.rule, "sent")
        } catch {
            let next = NotificationEngine.afterFailure(m, now: now(), maxAttempts: settings.maxAttempts, maxBackoffS: settings.maxBackoffS)
            let reason = "\(error)"
            logger.warning(
                "notification not delivered", metadata: ["rule": "\(m.rule)", "to": "\(m.recipient)", "attempt": "\(next.attempts)", "error": "\(reason)"])
            try? await store.updateNotification(m.id, state: next.state, attempts: next.attempts, dueAt: next.dueAt, lastError: reason)
            count(m.rule, next.state == .failed ? "failed" : "retry")
        }
    }

    struct Undeliverable: Error, CustomStringConvertible {
        var description: String
    }

    private func deliver(_ m: OutboxMessage) async throws {
        guard let payload = try? JSONDecoder().decode(NotificationPayload.self, from: Data(m.message.utf8)) else {
            throw Undeliverable(description: "the stored message does not decode")
        }
        switch payload.channel {
        case .email:
            guard let smtp = settings.smtp else { throw Undeliverable(description: "no SMTP relay configured") }
            try await Mailer(settings: smtp).send(to: [payload.to], subject: payload.subject, text: payload.text, language: payload.language)
        case .webhook:
            try await post(payload, rule: m.rule, id: m.id)
        }
    }

    private func post(_ payload: NotificationPayload, rule: String, id: Int64) async throws {
        let targets = rules.rules.filter { $0.name == rule }.flatMap { $0.notify + $0.escalate.flatMap(\.notify) }
        guard let target = targets.lazy.compactMap({ r -> WebhookTarget? in if case .webhook(let w) = r { w } else { nil } })
            .first(where: { $0.url.absoluteString == payload.to }), let url = URL(string: payload.to)
        else { throw Undeliverable(description: "the webhook is no longer in rule \(rule)") }
        guard let secret = target.secret() else { throw Undeliverable(description: "the webhook's secret cannot be read") }
        let body = Array((payload.body ?? "{}").utf8)
        let timestamp = String(Int(now().timeIntervalSince1970))
        let (status, _) = try await http.post(
            url,
            headers: [
                ("Content-Type", "application/json"), ("Idempotency-Key", "notification-\(id)"),
                (WebhookSignature.timestampHeader, timestamp),
                (WebhookSignature.signatureHeader, WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret)),
            ], body: body, tls: OutboundHTTP.tls(caFile: target.caFile))
        guard (200..<300).contains(status) else { throw Undeliverable(description: "the webhook answered \(status)") }
    }

    private func count(_ rule: String, _ outcome: String) {
        Counter(label: "niihub_notifications_total", dimensions: [("rule", rule), ("outcome", outcome)]).increment()
    }
}
