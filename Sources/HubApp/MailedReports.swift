import Foundation
import HubDelivery
import HubServer
import HubSite

/// The daily report by e-mail, through the notifications' SMTP relay (`notifications.smtp`): each subscriber
/// gets the report's page in their language as the message's HTML, with the CSV attached for a spreadsheet
/// and the PDF for printing when one was made. The files are those of the subscriber's lanes
/// (`ReportDispatch` cuts the report); the message's own words come from the console's catalogs.
public struct MailedReports: ReportDelivery {
    let mailer: Mailer
    let site: String
    let words: MessageCatalog

    public init(mailer: Mailer, site: String, words: MessageCatalog = MessageCatalog(folder: consoleAssetFolder(configured: nil))) {
        self.mailer = mailer
        self.site = site
        self.words = words
    }

    /// One subscriber's failure does not keep the others from their report; the failures are thrown together.
    public struct Failures: Error, CustomStringConvertible {
        public var failures: [String]
        public var description: String { "report not mailed to " + failures.joined(separator: "; ") }
    }

    public func deliver(day: String, files: [String: String], to subscribers: [ReportSettings.Subscriber]) async throws {
        var failures: [String] = []
        for s in subscribers {
            let language = s.language == "en" ? "en" : "vi"
            let html = files["\(day).\(language).html"].flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            var attachments: [MailAttachment] = []
            for (name, type) in [("\(day).csv", "text/csv"), ("\(day).\(language).pdf", "application/pdf")] {
                if let path = files[name], let data = FileManager.default.contents(atPath: path) {
                    attachments.append(MailAttachment(filename: name, contentType: type, bytes: [UInt8](data)))
                }
            }
            let (subject, text) = message(language: language, day: day, lanes: s.lanes, name: s.name)
            do {
                try await mailer.send(to: [s.email], subject: subject, text: text, html: html, attachments: attachments, language: language)
            } catch {
                failures.append("\(s.email): \(error)")
            }
        }
        if !failures.isEmpty { throw Failures(failures: failures) }
    }

    /// The subject and the plain-text part, in the subscriber's language; the day as people write it (05/12/2026).
    func message(language: String, day: String, lanes: [String]?, name: String) -> (subject: String, text: String) {
        let values = ["site": site, "day": DailyReport.shown(day: day), "name": name]
        var text = words.text("report.mail.body", language, values) + "\n"
        if let lanes { text += words.text("report.mail.lanes", language, ["lanes": lanes.joined(separator: ", ")]) + "\n" }
        return (words.text("report.mail.subject", language, values), text)
    }
}
