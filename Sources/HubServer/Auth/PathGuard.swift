import HTTPTypes
import Hummingbird

/// One way to spell a path: the router already reads `//a//b/` as `/a/b`, and case is significant
/// (`/API/v1/…` matches nothing). What it would read as a segment of its own, `.` and `..`, and
/// what would hide a separator inside a segment (`%2F`, `%5C`, a backslash, a NUL) are refused
/// here with 404, before any route or credential is looked at.
struct PathGuard: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard Self.isPlain(request.uri.path) else { return JSONResponse.error(.notFound, "no such path") }
        return try await next(request, context)
    }

    static func isPlain(_ path: String) -> Bool {
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." || segment == ".." { return false }
            let lower = segment.lowercased()
            if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || lower.contains("%2e") { return false }
            if segment.contains("\\") || segment.contains("\0") { return false }
        }
        return true
    }
}

/// `Strict-Transport-Security` on every answer of a hub that serves HTTPS: a browser that has
/// seen it once never sends the session cookie in clear text to this host again.
struct StrictTransportSecurity: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.strictTransportSecurity] = "max-age=31536000"
        return response
    }
}

/// Which browser origins may send the hub cookie-authenticated changes and WebSocket upgrades:
/// the hub's own (the scheme it serves and the `Host` the browser asked for) and those the site
/// config lists under `http.allowedOrigins` (a console served from another name).
struct OriginPolicy: Sendable {
    var tls: Bool
    var allowed: Set<String>

    init(tls: Bool, allowed: [String] = []) {
        self.tls = tls
        self.allowed = Set(allowed.map { $0.lowercased() })
    }

    /// The origin a request came from when it is a browser's and not an accepted one; nil when it may pass.
    func foreignOrigin(_ request: Request) -> String? {
        if request.headers[.secFetchSite]?.lowercased() == "cross-site" { return "another site" }
        guard let origin = request.headers[.origin]?.lowercased() else { return nil }
        // A browser sends its page's origin, http(s) or "null"; `ws://host` comes only from programs
        // (WebSocket libraries fill it in), which could send anything and carry no browser cookie.
        if origin.hasPrefix("ws://") || origin.hasPrefix("wss://") { return nil }
        let own = request.head.authority.map { "\(tls ? "https" : "http")://\($0.lowercased())" }
        if origin == own || allowed.contains(origin) { return nil }
        return "'\(origin)'"
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
