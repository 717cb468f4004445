import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The console: `GET /` (the operator's screen, with its login form), `GET /admin` (admission,
/// audit, devices), `GET /analysis` (the analyst's search, passages and declarations), `GET
/// /national` (a central hub's departments and gates), their files
/// under `/assets/<folder>/<file>` and Debian's browser libraries under `/vendor/<library>/…`. All
/// open: the pages hold no data and ask the API, with the session cookie, for everything. Files are
/// revalidated by `ETag` (`no-cache`), so an upgraded hub's console shows at once; the Debian
/// libraries change only with their package and are cached a day.
struct ConsoleRoutes: RouteController {
    let site: String
    /// The console's folder; nil when none was found (the pages then say where the hub looked).
    let folder: URL?
    let lookedIn: [URL]

    init(site: String, configured: String?) {
        self.site = site
        folder = ConsoleAssets.locate(configured: configured)
        lookedIn = ConsoleAssets.candidates(configured: configured)
    }

    func register(on routes: RouteTable) {
        routes.get("/", .open, doc: .init(summary: "The operator console.", produces: "text/html", response: OpenAPISchemas.html)) {
            _, _ in page("index.html")
        }
        routes.get("/admin", .open, doc: .init(summary: "The admin console.", produces: "text/html", response: OpenAPISchemas.html)) {
            _, _ in page("admin.html")
        }
        // The analyst's searches and evidence come from the analyst-only API routes; the page itself holds no data.
        routes.get("/analysis", .open, doc: .init(summary: "The analyst workspace.", produces: "text/html", response: OpenAPISchemas.html)) {
            _, _ in page("analysis.html")
        }
        // The national view's figures come from `GET /api/v1/national`; the page holds no data.
        routes.get("/national", .open, doc: .init(summary: "The national view.", produces: "text/html", response: OpenAPISchemas.html)) {
            _, _ in page("national.html")
        }
        routes.get("/assets/:dir/:file", .open, doc: Self.fileDoc("A file of the console (CSS, JavaScript module, catalog).")) {
            request, context in
            guard let folder else { return missing() }
            let path = ConsoleAssets.file(
                in: folder.path, [try context.parameters.require("dir"), try context.parameters.require("file")])
            return serve(path, request, cache: "no-cache")
        }
        // One name per depth: the router's tree cannot hold two names for one segment's parameter.
        for pattern in ["/vendor/:lib/:name", "/vendor/:lib/:name/:inner"] {
            routes.get(pattern, .open, doc: Self.fileDoc("A file of a Debian browser library (leaflet, chart.js, bootstrap5).")) {
                request, context in
                guard let root = ConsoleAssets.vendor[try context.parameters.require("lib")] else { return notFound() }
                let segments = [context.parameters.get("name"), context.parameters.get("inner")].compactMap { $0 }
                return serve(ConsoleAssets.file(in: root, segments), request, cache: "public, max-age=86400")
            }
        }
    }

    /// The document's word on a static file: its media type follows its extension.
    private static func fileDoc(_ summary: String) -> OpenAPIOperation {
        OpenAPIOperation(
            summary: summary, produces: "application/octet-stream",
            response: ["type": "string", "description": "The file; Content-Type by its extension, ETag for revalidation."])
    }

    private static let nosniff = HTTPField.Name("X-Content-Type-Options")!

    /// A page with the site's name in it (escaped for HTML).
    private func page(_ name: String) -> Response {
        guard let folder, let path = ConsoleAssets.file(in: folder.path, [name]),
            let data = FileManager.default.contents(atPath: path)
        else { return missing() }
        let safeSite = site.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
        let html = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "{{site}}", with: safeSite)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", Self.nosniff: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A file with its media type and validator; 304 when the browser has it already.
    private func serve(_ path: String?, _ request: Request, cache: String) -> Response {
        guard let path, let type = ConsoleAssets.contentType(path),
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let data = FileManager.default.contents(atPath: path)
        else { return notFound() }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let etag = "\"\(data.count)-\(String(Int64(modified * 1000), radix: 16))\""
        var headers: HTTPFields = [.cacheControl: cache, .eTag: etag, Self.nosniff: "nosniff"]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func notFound() -> Response { JSONResponse.error(.notFound, "no such file") }

    /// The console's files are not where the hub looked: say where it looked and how to point it there.
    private func missing() -> Response {
        let places = lookedIn.map { "<li>\($0.path.replacingOccurrences(of: "<", with: "&lt;"))</li>" }.joined()
        let html = """
            <!doctype html><meta charset="utf-8"><title>NII Hub</title><h1>The console's files were not found</h1>
            <p>The hub looked for <code>index.html</code> in:</p><ul>\(places)</ul>
            <p>Set <code>console.assets</code> in the site config (or <code>NIIHUB_ASSETS</code>) to the repository's
            <code>Assets/console</code> folder. The API is served as usual.</p>
            """
        return Response(
            status: .serviceUnavailable, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
