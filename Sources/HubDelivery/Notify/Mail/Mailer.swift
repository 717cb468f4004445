import Foundation
import HubSite

/// Sends one e-mail through the site's SMTP relay (`notifications.smtp`): the hub's notifications
/// and anything else that mails (daily reports). Each call is one connection, so a relay that
/// restarts between messages costs nothing; a failure throws, and the caller decides to retry.
public struct Mailer: Sendable {
    public let settings: SMTPSettings
    private let client: SMTPClient

    public init(settings: SMTPSettings, timeout: Duration = .seconds(30)) {
        self.settings = settings
        client = SMTPClient(settings: settings, timeout: timeout)
    }

    /// Sends a message from `settings.from` to `to`: `text` always, `html` as its alternative when
    /// given, and `attachments` (each base64 in its own part). The subject may be any UTF-8; `language`
    /// is said in `Content-Language`.
    public func send(
        to: [String], subject: String, text: String, html: String? = nil, attachments: [MailAttachment] = [], language: String? = nil
    ) async throws {
        guard !to.isEmpty, to.allSatisfy(EmailAddress.isValid) else {
            throw SMTPClient.Failure(description: "no valid recipient address")
        }
        let message = MailMessage(from: settings.from, to: to, subject: subject, text: text, html: html, attachments: attachments, language: language)
        let id = UUID().uuidString.lowercased()
        try await client.send(message.rendered(date: Date(), messageID: "\(id)@\(settings.helo)", boundary: "niihub-\(id)"), to: to)
    }
}
