import Foundation
import HTTPTypes
import Hummingbird
import HubSite
import NIOCore

/// The daily reports the hub kept: `GET /api/v1/reports` lists them, `GET /api/v1/reports/{file}` serves one file
/// (`2026-12-05.vi.html` to read or print, `.pdf`, `.csv`). Only the archive's own file names reach the disk.
struct ReportRoutes: RouteController {
    /// Read at each request, so a reload that adds or moves `reports:` applies.
    let config: ConfigState?

    private typealias S = OpenAPISchemas

    private var archive: ReportArchive? { config?.current.reports.map { ReportArchive(folder: $0.folder) } }

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/reports", .analysts,
            doc: .init(
                summary: "The daily per-lane reports kept (site config `reports:`), newest day first, each with its files (CSV; HTML and PDF in vi and en) and where to download them.",
                response: S.object(
                    ["configured": S.boolean, "hour": S.integer, "timeZone": S.string,
                     "reports": S.array(S.object(
                        ["day": S.string, "files": S.array(S.object(
                            ["name": S.string, "format": S.oneOf(["csv", "html", "pdf"]), "language": S.oneOf(["vi", "en"]),
                             "bytes": S.integer, "url": S.string], required: ["name", "format", "bytes", "url"]))],
                        required: ["day", "files"]))],
                    required: ["configured", "reports"]))
        ) { _, _ in
            struct File: Encodable {
                var name: String
                var format: String
                var language: String?
                var bytes: Int
                var url: String
            }
            struct Entry: Encodable {
                var day: String
                var files: [File]
            }
            struct Body: Encodable {
                var configured: Bool
                var hour: Int?
                var timeZone: String?
                var reports: [Entry]
            }
            let settings = config?.current.reports
            let entries = (archive?.list() ?? []).map { e in
                Entry(day: e.day, files: e.files.map {
                    File(name: $0.name, format: $0.format, language: $0.language, bytes: $0.bytes, url: "/api/v1/reports/\($0.name)")
                })
            }
            return try JSONResponse.make(
                Body(configured: settings != nil, hour: settings?.hour, timeZone: settings == nil ? nil : config?.current.console.timeZone,
                     reports: entries))
        }
        routes.get(
            "/api/v1/reports/:file", .analysts,
            doc: .init(
                summary: "One file of a daily report: `<day>.csv`, `<day>.<vi|en>.html` (printable) or `<day>.<vi|en>.pdf`.",
                produces: "application/octet-stream", response: ["type": "string", "description": "The file."])
        ) { _, context in
            let name = try context.parameters.require("file")
            guard let archive else { return JSONResponse.error(.notFound, "no reports are configured (reports: in the site config)") }
            guard let parsed = ReportArchive.parse(name) else {
                return JSONResponse.error(.badRequest, "expected a report file name like 2026-12-05.csv or 2026-12-05.vi.html", field: "file")
            }
            guard let path = archive.file(name), let data = FileManager.default.contents(atPath: path) else {
                return JSONResponse.error(.notFound, "no report file \(name)")
            }
            let type = ["csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"][parsed.format]!
            var headers: HTTPFields = [
                .contentType: type, .cacheControl: "no-cache",
                .contentDisposition: "\(parsed.format == "csv" ? "attachment" : "inline"); filename=\"\(name)\"",
            ]
            // The page is the hub's own, with its style inline: nothing else may load or run in it.
            headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
