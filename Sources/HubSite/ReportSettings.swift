import Foundation
import HubDevices

/// The site config's `reports:` section: the daily per-lane report the hub writes and keeps.
///
///     reports:
///       folder: reports          # where the reports are written and kept (relative to the config file)
///       hour: 6                  # the local hour (console.timeZone) at which yesterday's report is written
///       pdf: auto                # auto: a PDF too when Chromium is installed; always: fail loudly without it; never
///       subscribers:             # who receives each report once a mailer is plugged in (ReportDelivery)
///         - {name: Trưởng ca, email: truongca@example.gov.vn, language: vi, lanes: ["1", "2"]}
public struct ReportSettings: Sendable, Equatable {
    /// When a PDF is made beside the HTML and CSV.
    public enum PDF: String, Sendable, Equatable, CaseIterable {
        /// When Chromium is installed; without it, HTML and CSV only (logged once per report).
        case auto
        /// Always: a report without its PDF is logged as an error.
        case always
        case never
    }

    /// One person who receives the daily report.
    public struct Subscriber: Sendable, Equatable, Decodable {
        public var name: String
        public var email: String
        /// `vi` or `en`: which of the report's two languages they are sent.
        public var language: String
        /// The lanes they care about; nil: every lane.
        public var lanes: [String]?

        public init(name: String, email: String, language: String = "vi", lanes: [String]? = nil) {
            self.name = name
            self.email = email
            self.language = language
            self.lanes = lanes
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case name, email, language, lanes }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name, where: { !$0.isEmpty }, expected: "a name")
            email = try c.decode(String.self, forKey: .email, where: Self.isAddress, expected: "an e-mail address like truongca@example.gov.vn")
            language = try c.decode(String.self, forKey: .language, default: "vi", where: { ["vi", "en"].contains($0) }, expected: "vi or en")
            lanes = try c.decodeIfPresent([String].self, forKey: .lanes, where: { !$0.isEmpty && $0.allSatisfy { !$0.isEmpty } },
                                          expected: "a list of lane names")
        }

        /// One `@` between a local part and a dotted domain, no spaces: what a mailer can send to.
        static func isAddress(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
                && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
        }
    }

    /// The folder the reports are written to and kept in (absolute once loaded).
    public var folder: String
    /// The local hour (0–23, in `console.timeZone`) after which the previous day's report is written.
    public var hour: Int
    public var pdf: PDF
    /// The Chromium the PDF is printed with (`chromium`: the first of /usr/bin/chromium and
    /// /usr/bin/chromium-browser that exists).
    public var chromium: String?
    public var subscribers: [Subscriber]

    public init(folder: String, hour: Int = 6, pdf: PDF = .auto, chromium: String? = nil, subscribers: [Subscriber] = []) {
        self.folder = folder
        self.hour = hour
        self.pdf = pdf
        self.chromium = chromium
        self.subscribers = subscribers
    }
}

extension ReportSettings: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case folder, hour, pdf, chromium, subscribers }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let folder = try c.decode(String.self, forKey: .folder, where: { !$0.isEmpty }, expected: "a folder")
        let hour = try c.decode(Int.self, forKey: .hour, default: 6, where: (0...23).contains, expected: "an hour from 0 to 23")
        let pdf = try c.decode(String.self, forKey: .pdf, default: "auto", where: { PDF(rawValue: $0) != nil },
                               expected: "auto, always or never")
        let chromium = try c.decodeIfPresent(String.self, forKey: .chromium, where: { $0.hasPrefix("/") },
                                             expected: "the absolute path of a Chromium executable")
        let subscribers = try c.decodeIfPresent([Subscriber].self, forKey: .subscribers) ?? []
        self.init(folder: folder, hour: hour, pdf: PDF(rawValue: pdf)!, chromium: chromium, subscribers: subscribers)
    }
}
