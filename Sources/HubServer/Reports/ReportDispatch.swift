import Foundation
import HubSite
import Logging

/// A written report to its subscribers (`reports.subscribers`): those without `lanes` get the site's files;
/// the subscribers of one set of lanes get the report cut to those lanes (`DailyReport.only(lanes:)`), its
/// HTML, CSV and PDF written for them into a scratch folder, handed to the delivery, then removed (the
/// folder keeps the site's report only: a cut is made again from it whenever wanted).
public struct ReportDispatch: Sendable {
    let delivery: any ReportDelivery
    let pdf: ReportSettings.PDF
    let chromium: String?
    let words: MessageCatalog
    let logger: Logger?

    /// `pdf` and `chromium` as the site's report was written with; `words` the console's catalogs.
    public init(
        delivery: any ReportDelivery, pdf: ReportSettings.PDF = .never, chromium: String? = nil,
        words: MessageCatalog = MessageCatalog(folder: consoleAssetFolder(configured: nil)), logger: Logger? = nil
    ) {
        self.delivery = delivery
        self.pdf = pdf
        self.chromium = chromium
        self.words = words
        self.logger = logger
    }

    /// One set of lanes failing does not keep the others from their report; the failures are thrown together.
    public struct Failures: Error, CustomStringConvertible {
        public var failures: [String]
        public var description: String { failures.joined(separator: "; ") }
    }

    /// Sends `report` to `subscribers`; `siteFiles` are the site's written files' paths by name.
    public func send(_ report: DailyReport, siteFiles: [String: String], to subscribers: [ReportSettings.Subscriber]) async throws {
        // The same lanes in another order are the same report.
        var groups: [(lanes: [String]?, subscribers: [ReportSettings.Subscriber])] = []
        for s in subscribers {
            let lanes = s.lanes.map { Array(Set($0)).sorted() }
            if let i = groups.firstIndex(where: { $0.lanes == lanes }) {
                groups[i].subscribers.append(s)
            } else {
                groups.append((lanes, [s]))
            }
        }
        var failures: [String] = []
        for g in groups {
            do {
                if let lanes = g.lanes {
                    try await sendCut(report.only(lanes: lanes), to: g.subscribers)
                } else {
                    try await delivery.deliver(day: report.day, files: siteFiles, to: g.subscribers)
                }
            } catch {
                failures.append("\(g.lanes.map { "lanes \($0.joined(separator: ", "))" } ?? "the whole site"): \(error)")
            }
        }
        if !failures.isEmpty { throw Failures(failures: failures) }
    }

    private func sendCut(_ cut: DailyReport, to subscribers: [ReportSettings.Subscriber]) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("niihub-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let archive = ReportArchive(folder: scratch)
        let files = try await archive.write(cut, pdf: pdf, chromium: chromium, words: words, logger: logger)
        try await delivery.deliver(day: cut.day, files: archive.paths(of: files), to: subscribers)
    }
}
