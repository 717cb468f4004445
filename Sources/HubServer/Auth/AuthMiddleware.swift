import Foundation
import HTTPTypes
import Hummingbird
import HubStore
import Logging

/// Finds the request's credential (bearer header, the dashboard's session cookie, or a `token`
/// query parameter on the live WebSocket) and applies `AccessPolicy`: 401 when a
/// route needs a credential and has none that works, 403 when the role is not allowed. A call that
/// changes state and succeeds is written to the audit log with who made it.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let cookieName = "niihub_session"

    let auth: AuthService
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let secret = Self.credential(request) { context.identity = await auth.authenticate(secret) }
        let rule = AccessPolicy.rule(request.method, request.uri.path)
        switch rule.access {
        case .open:
            return try await next(request, context)
        case .roles(let roles):
            guard let who = context.identity else {
                var r = JSONResponse.error(.unauthorized, "a valid credential is needed (Bearer token or login)")
                r.headers[.wwwAuthenticate] = "Bearer"
                return r
            }
            guard roles.contains(who.role) else {
                return JSONResponse.error(.forbidden, "role \(who.role.rawValue) may not do this")
            }
            let response = try await next(request, context)
            if let action = rule.audit, response.status.code < 400 {
                await auth.audit(
                    who, action, target: context.auditNote.target ?? request.uri.path,
                    detail: context.auditNote.detail ?? "\(response.status.code)", logger: logger)
            }
            return response
        }
    }

    static func credential(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if let cookies = request.headers[.cookie] {
            for part in cookies.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookieName { return String(kv[1]) }
            }
        }
        // Only the live socket takes one in the URL (browsers cannot set headers on a WebSocket);
        // elsewhere a secret in a URL would end up in proxies' and browsers' histories.
        guard request.uri.path == "/api/v1/live" else { return nil }
        return request.uri.queryParameters.get("token")
    }
}
