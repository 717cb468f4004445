import Foundation
import HubDelivery
import HubServer
import HubSite

/// The daily report by e-mail, through the notifications' SMTP relay (`notifications.smtp`): each subscriber
/// gets the report's page in their language as the message's HTML, with the CSV attached for a spreadsheet
/// and the PDF for printing when one was made. The whole site's report goes to every subscriber: a
/// subscriber's `lanes` are named in the message, not cut out of the report.
public struct MailedReports: ReportDelivery {
    let mailer: Mailer
    let site: String

    public init(mailer: Mailer, site: String) {
        self.mailer = mailer
        self.site = site
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
            let (subject, text) = Self.words(language: language, site: site, day: day, lanes: s.lanes, name: s.name)
            do {
                try await mailer.send(to: [s.email], subject: subject, text: text, html: html, attachments: attachments, language: language)
            } catch {
                failures.append("\(s.email): \(error)")
            }
        }
        if !failures.isEmpty { throw Failures(failures: failures) }
    }

    /// The subject and the plain-text part, in the subscriber's language; the day as people write it (05/12/2026).
    static func words(language: String, site: String, day: String, lanes: [String]?, name: String) -> (String, String) {
        let parts = day.split(separator: "-")
        let shown = parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : day
        let lanes = lanes.map { $0.joined(separator: ", ") }
        if language == "en" {
            var text = "Hello \(name),\n\nThe daily report of \(site) for \(shown) is below; the CSV for a spreadsheet is attached"
            text += " (and the PDF, when the hub could print one).\n"
            if let lanes { text += "Your lanes: \(lanes).\n" }
            return ("Daily report of \(site), \(shown)", text)
        }
        var text = "Kính gửi \(name),\n\nBáo cáo hằng ngày của \(site) ngày \(shown) ở dưới; tệp CSV để mở bằng bảng tính được đính kèm"
        text += " (cùng tệp PDF, khi hub in được).\n"
        if let lanes { text += "Các làn của anh/chị: \(lanes).\n" }
        return ("Báo cáo ngày \(shown) của \(site)", text)
    }
}
