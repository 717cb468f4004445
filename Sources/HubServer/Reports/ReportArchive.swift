import Foundation
import HubSite
import Logging

/// The folder the daily reports are kept in: for each day `<day>.csv`, `<day>.vi.html`, `<day>.en.html`, and
/// `<day>.vi.pdf` / `<day>.en.pdf` where Chromium printed them. Nothing here is ever deleted by the hub.
public struct ReportArchive: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// One file of a day's report.
    public struct File: Sendable, Equatable, Encodable {
        public var name: String
        /// `csv`, `html` or `pdf`.
        public var format: String
        /// `vi` or `en`; nil for the CSV (it has no words).
        public var language: String?
        public var bytes: Int
    }

    /// A day's report: its files.
    public struct Entry: Sendable, Equatable, Encodable {
        public var day: String
        public var files: [File]
    }

    /// `2026-12-05.csv`, `2026-12-05.vi.html`, `2026-12-05.en.pdf`: the only names the archive writes or serves.
    static func parse(_ name: String) -> (day: String, language: String?, format: String)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let day = parts.first, day.count == 10,
            day.enumerated().allSatisfy({ i, c in (i == 4 || i == 7) ? c == "-" : c.isASCII && c.isNumber })
        else { return nil }
        switch parts.count {
        case 2 where parts[1] == "csv": return (day, nil, "csv")
        case 3 where ["vi", "en"].contains(parts[1]) && ["html", "pdf"].contains(parts[2]): return (day, parts[1], parts[2])
        default: return nil
        }
    }

    /// Every day's report in the folder, newest first.
    public func list() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var days: [String: [File]] = [:]
        for name in names {
            guard let p = Self.parse(name), let size = (try? FileManager.default.attributesOfItem(atPath: path(name)))?[.size] as? Int
            else { continue }
            days[p.day, default: []].append(File(name: name, format: p.format, language: p.language, bytes: size))
        }
        return days.keys.sorted(by: >).map { Entry(day: $0, files: days[$0]!.sorted { $0.name < $1.name }) }
    }

    /// Whether the day's report was written (its CSV, written last, is there).
    public func has(day: String) -> Bool { FileManager.default.fileExists(atPath: path("\(day).csv")) }

    /// The file's path when `name` is a report file's name, else nil (no other name reaches the disk).
    public func file(_ name: String) -> String? {
        guard Self.parse(name) != nil else { return nil }
        let p = path(name)
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    /// The paths of `files` by name (those still in the folder): what a delivery is handed.
    public func paths(of files: [File]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: files.compactMap { f in file(f.name).map { (f.name, $0) } })
    }

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// Writes the report's HTML in both languages (their words from `words`, the console's catalogs), the PDFs
    /// when `pdf` asks and Chromium is there, then the CSV (last: its presence says the day is done). Each file
    /// goes in whole (written aside, then renamed). Returns the files written.
    @discardableResult
    public func write(
        _ report: DailyReport, pdf: ReportSettings.PDF = .never, chromium: String? = nil,
        words: MessageCatalog = MessageCatalog(folder: consoleAssetFolder(configured: nil)), logger: Logger? = nil
    ) async throws -> [File] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for (code, _) in ReportLanguage.all {
            let name = "\(report.day).\(code).html"
            try put(Data(DailyReportHTML.page(report, language: code, catalog: words).utf8), name)
            written.append(name)
            if pdf != .never {
                let out = "\(report.day).\(code).pdf"
                switch await ReportPDF.print(html: path(name), to: path(out), chromium: chromium) {
                case .printed: written.append(out)
                case .unavailable(let why):
                    if pdf == .always { logger?.error("report PDF not made", metadata: ["day": "\(report.day)", "reason": "\(why)"]) }
                    else { logger?.info("report PDF not made", metadata: ["day": "\(report.day)", "reason": "\(why)"]) }
                }
            }
        }
        try put(Data(DailyReportCSV.text(report).utf8), "\(report.day).csv")
        written.append("\(report.day).csv")
        let entry = list().first { $0.day == report.day }
        return (entry?.files ?? []).filter { written.contains($0.name) }
    }

    private func put(_ data: Data, _ name: String) throws {
        let aside = path(".\(name).part")
        try data.write(to: URL(fileURLWithPath: aside))
        if FileManager.default.fileExists(atPath: path(name)) { try FileManager.default.removeItem(atPath: path(name)) }
        try FileManager.default.moveItem(atPath: aside, toPath: path(name))
    }
}
