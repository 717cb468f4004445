import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import HubSite
import HubStore
import Logging

/// The only way a route reaches the hub's router: each one is registered together with its
/// `RouteRule`, and the rule is checked by a guard bound to that route alone. The router matches
/// the request first (however its path was spelled: `//api/v1/tokens/` reaches `/api/v1/tokens`),
/// and the route it matched brings its own rule, so no path text is ever compared for access. A
/// request that matches no route is a 404 and reaches no handler. An `/api/` route is registered
/// with its OpenAPI operation too (`doc:`), and the document is made from this table, so the
/// router, the access rules and the document are one list.
final class RouteTable {
    let router: Router<HubRequestContext>
    private let auth: AuthService?
    private let origins: OriginPolicy
    private let logger: Logger
    /// Every route registered, with its rule and (for the document) its operation.
    private(set) var entries: [DocumentedRoute] = []

    /// Every route's rule, in the order they were registered.
    var rules: [RouteRule] { entries.map(\.rule) }

    init(auth: AuthService?, origins: OriginPolicy, proxies: TrustedProxies = TrustedProxies(), logger: Logger) {
        router = Router(context: HubRequestContext.self)
        self.auth = auth
        self.origins = origins
        self.logger = logger
        // Every request: the client's address found (behind a trusted proxy, from its header), odd
        // spellings refused before routing, the credential found, oversize bodies answered.
        router.add(middleware: ClientAddressMiddleware(trusted: proxies))
        router.add(middleware: PathGuard())
        if let auth { router.add(middleware: Authentication(auth: auth)) }
        router.add(middleware: BodyGuardMiddleware())
        if origins.tls { router.add(middleware: StrictTransportSecurity()) }
    }

    /// Registers `handler` for `method path`, callable by `access`; `audit` names a successful call
    /// in the audit log; `body` lists the media types it reads (POST), nil for any bytes; `doc` is
    /// what the OpenAPI document says of it (required for `/api/` routes, see
    /// `checkEveryAPIRouteIsDocumented`).
    func on(
        _ method: HTTPRequest.Method, _ path: String, _ access: Access, audit: String? = nil,
        body: [String]? = ["json"], sameOriginOnly: Bool = false, doc: OpenAPIOperation? = nil,
        handler: @escaping @Sendable (Request, HubRequestContext) async throws -> Response
    ) {
        let rule = RouteRule(
            method: method, pattern: path, access: access, audit: audit, bodyTypes: method == .post ? body : nil,
            sameOriginOnly: sameOriginOnly)
        entries.append(DocumentedRoute(rule: rule, operation: doc))
        router.group(RouterPath(path)).add(middleware: guardFor(rule)).on("", method: method, use: handler)
    }

    func get(
        _ path: String, _ access: Access, doc: OpenAPIOperation? = nil,
        handler: @escaping @Sendable (Request, HubRequestContext) async throws -> Response
    ) {
        on(.get, path, access, doc: doc, handler: handler)
    }

    func post(
        _ path: String, _ access: Access, audit: String?, body: [String]? = ["json"], sameOriginOnly: Bool = false,
        doc: OpenAPIOperation? = nil, handler: @escaping @Sendable (Request, HubRequestContext) async throws -> Response
    ) {
        on(.post, path, access, audit: audit, body: body, sameOriginOnly: sameOriginOnly, doc: doc, handler: handler)
    }

    /// A WebSocket at `path`: the upgrade request passes the same guard as any route (its
    /// credential may come as `?token=`, and its `Origin` must be the hub's own).
    func ws(
        _ path: String, _ access: Access, doc: OpenAPIOperation? = nil,
        onUpgrade: @escaping WebSocketDataHandler<WebSocketRouterContext<HubRequestContext>>
    ) {
        var rule = RouteRule(method: .get, pattern: path, access: access, audit: nil, bodyTypes: nil)
        rule.tokenInQuery = true
        rule.sameOriginOnly = true
        entries.append(DocumentedRoute(rule: rule, operation: doc))
        router.group(RouterPath(path)).add(middleware: guardFor(rule)).ws("", onUpgrade: onUpgrade)
    }

    private func guardFor(_ rule: RouteRule) -> RouteGuard {
        RouteGuard(rule: rule, auth: auth, origins: origins, logger: logger)
    }

    /// Fails the start when a route reached the router without a rule (registered around this table).
    func checkEveryRouteHasARule() throws {
        let declared = Set(rules.map(\.description))
        let unruled = router.routes.map(\.description).filter { !declared.contains($0) }
        guard unruled.isEmpty else { throw UnruledRoutes(routes: unruled) }
    }

    struct UnruledRoutes: Error, CustomStringConvertible {
        var routes: [String]
        var description: String { "routes registered without an access rule: \(routes.joined(separator: ", "))" }
    }

    /// Fails the start when an `/api/` route was registered without its OpenAPI operation: the
    /// document is made from this table, so an undocumented route would silently be missing from it.
    func checkEveryAPIRouteIsDocumented() throws {
        let undocumented = entries.filter { $0.operation == nil && $0.isAPI }.map(\.rule.description)
        guard undocumented.isEmpty else { throw UndocumentedRoutes(routes: undocumented) }
    }

    struct UndocumentedRoutes: Error, CustomStringConvertible {
        var routes: [String]
        var description: String { "API routes registered without an OpenAPI operation: \(routes.joined(separator: ", "))" }
    }
}
