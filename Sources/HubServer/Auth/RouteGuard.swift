import HTTPTypes
import Hummingbird
import HubStore
import Logging

/// The check in front of one route's handler, with that route's rule: the body's media type, the
/// caller's origin where the rule asks, then the role. 401 without a working credential, 403 for a
/// role the rule does not name (audited, with who, what and from where); a successful call that
/// changes state is audited with who made it.
struct RouteGuard: RouterMiddleware {
    typealias Context = HubRequestContext

    let rule: RouteRule
    let auth: AuthService?
    let origins: OriginPolicy
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let refused = refusedBody(request) { return refused }
        if rule.sameOriginOnly || (request.method == .post && context.credentialFromCookie),
            let foreign = origins.foreignOrigin(request)
        {
            return JSONResponse.error(.forbidden, "requests from \(foreign) are not accepted here", field: "Origin")
        }
        guard case .roles(let roles) = rule.access else { return try await next(request, context) }
        // Embedded without auth (a library user's own server): every route is served as is.
        guard let auth else { return try await next(request, context) }
        if context.identity == nil, rule.tokenInQuery, let secret = request.uri.queryParameters.get("token") {
            do {
                context.identity = try await auth.authenticate(String(secret))
            } catch {
                return BodyGuardMiddleware.unavailable()
            }
        }
        guard let who = context.identity else {
            if rule.adminOnly { await auditRefusal(request, context, who: nil, auth: auth) }
            var r = JSONResponse.error(.unauthorized, "a valid credential is needed (Bearer token or login)")
            r.headers[.wwwAuthenticate] = "Bearer"
            return r
        }
        guard roles.contains(who.role) else {
            await auditRefusal(request, context, who: who, auth: auth)
            return JSONResponse.error(.forbidden, "role \(who.role.rawValue) may not do this")
        }
        let response = try await next(request, context)
        if let action = rule.audit, response.status.code < 400 || context.auditNote.refusal {
            await auth.audit(
                who, action, target: context.auditNote.target ?? request.uri.path,
                detail: context.auditNote.detail ?? "\(response.status.code)", logger: logger)
        }
        return response
    }

    /// A body of a type the route does not read gets 415 before its handler runs.
    private func refusedBody(_ request: Request) -> Response? {
        guard let accepted = rule.bodyTypes, let type = request.headers[.contentType] else { return nil }
        let media = BodyGuardMiddleware.mediaType(type)
        guard !accepted.contains(where: media.contains) else { return nil }
        return JSONResponse.error(
            .unsupportedMediaType, "expected a body of type \(accepted.joined(separator: " or ")); got '\(type)'",
            field: "Content-Type")
    }

    /// `access.refused`: who (or "anonymous"), the route and the path as it was spelled, and from where.
    private func auditRefusal(_ request: Request, _ context: Context, who: Identity?, auth: AuthService) async {
        let actor = who ?? Identity(name: "anonymous", role: .operator, tokenID: "")
        let role = who.map { "role \($0.role.rawValue)" } ?? "no valid credential"
        await auth.audit(
            actor, "access.refused", target: rule.description,
            detail: "\(role), path \(request.uri.path), from \(context.remoteAddress ?? "unknown address")", logger: logger)
    }
}
