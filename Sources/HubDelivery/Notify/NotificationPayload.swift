import Foundation
import HubModel
import HubSite

/// What an outbox row sends, rendered when the event was read (so a restart sends the same
/// words): an e-mail's address, subject and text, or a webhook's URL and JSON body. Kept as JSON
/// in the outbox's `message` column.
public struct NotificationPayload: Sendable, Equatable, Codable {
    public enum Channel: String, Sendable, Codable { case email, webhook }

    public var channel: Channel
    /// The address, or the webhook's URL.
    public var to: String
    public var subject: String
    public var text: String
    /// The webhook's body (JSON text).
    public var body: String?
    /// An e-mail's language (`vi`, `en`); nil in rows an older hub wrote.
    public var language: String?

    /// The message of `rule` about `event` for `recipient` at `step` (0: first; n: n-th escalation).
    public init(rule: NotificationRule, recipient: Recipient, step: Int, event: InspectionEvent, catalog: MessageCatalog, zone: TimeZone) {
        let minutes = step == 0 ? nil : Int((rule.escalate[step - 1].afterS / 60).rounded(.up))
        switch recipient {
        case .email(let address, let language):
            let words = NotificationText(event: event, rule: rule.name, minutes: minutes, language: language, catalog: catalog, zone: zone)
            self.init(channel: .email, to: address, subject: words.subject, text: words.body, language: language)
        case .webhook(let w):
            let words = NotificationText(event: event, rule: rule.name, minutes: minutes, language: "en", catalog: catalog, zone: zone)
            let body = WebhookBody(rule: rule.name, step: step, escalated: step > 0, summary: words.subject, event: event)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let json = (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            self.init(channel: .webhook, to: w.url.absoluteString, subject: words.subject, text: words.body, body: json)
        }
    }

    public init(channel: Channel, to: String, subject: String, text: String, body: String? = nil, language: String? = nil) {
        self.channel = channel
        self.to = to
        self.subject = subject
        self.text = text
        self.body = body
        self.language = language
    }

    /// The JSON kept in the outbox.
    public var json: String {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A webhook's JSON body: which rule and step, a one-line summary, and the event as stored.
    struct WebhookBody: Encodable {
        var rule: String
        var step: Int
        var escalated: Bool
        var summary: String
        var event: InspectionEvent
    }
}
