import Foundation
import Hummingbird
import HubCorrelation
import HubDevices
import HubIngest
import HubModel
import HubStore
import Logging
import NIOCore

/// The hub's HTTP API, version 1, and its health check.
public struct HubAPI: Sendable {
    public let store: any EventStore
    public let registry: DeviceRegistry
    public let lanes: LaneActivity
    public let site: String
    public let config: ConfigState?
    /// Where declarations are kept (the same SQLite file as events, normally).
    public let declarationStore: (any DeclarationStore)?
    /// Ids for events made by the API itself (posted scan results); the hub shares its ingest's.
    public let ids: EventIDGenerator
    /// Logins, tokens and the audit log; nil serves every route without credentials (embedding only).
    public let auth: AuthService?
    /// Where alarms go out live over WebSocket.
    public let live: LiveFeed?
    let logger: Logger

    /// Scanner images by SHA-256.
    public let blobs: BlobStore?
    /// The hub's queues and feed consumers, for `/metrics`.
    public let metricSources: MetricSources?
    /// Active transits for the map, from the transit watch.
    public let transits: (@Sendable () -> [TransitPicture])?
    /// Where events forwarded by gate hubs are kept; nil refuses them.
    public let forwarding: (any ForwardingStore)?
    /// Resolves an ambiguous passage: evidence id, passage id, user.
    public let resolvePassage: (@Sendable (String, String, String) async -> PassageService.Resolution)?
    /// Which browser origins may send cookie-authenticated changes and open the live socket.
    let origins: OriginPolicy

    public init(
        store: any EventStore, registry: DeviceRegistry, lanes: LaneActivity, site: String, config: ConfigState? = nil,
        ids: EventIDGenerator = EventIDGenerator(), declarations: (any DeclarationStore)? = nil,
        auth: AuthService? = nil, live: LiveFeed? = nil, logger: Logger = Logger(label: "niihub.api"),
        blobs: BlobStore? = nil, metricSources: MetricSources? = nil, transits: (@Sendable () -> [TransitPicture])? = nil,
        forwarding: (any ForwardingStore)? = nil, tls: Bool = false, allowedOrigins: [String] = [],
        resolvePassage: (@Sendable (String, String, String) async -> PassageService.Resolution)? = nil
    ) {
        self.resolvePassage = resolvePassage
        origins = OriginPolicy(tls: tls, allowed: allowedOrigins)
        self.blobs = blobs
        self.metricSources = metricSources
        self.transits = transits
        self.forwarding = forwarding
        declarationStore = declarations
        self.auth = auth
        self.live = live
        self.logger = logger
        self.store = store
        self.registry = registry
        self.lanes = lanes
        self.site = site
        self.config = config
        self.ids = ids
    }

    /// Every route served, as "METHOD /path/:param".
    public var routes: [String] { router().routes.map(\.description) }

    /// Every route with the rule it was registered with.
    public var routeRules: [RouteRule] { routeTable().rules }

    /// A router with every route of the API and the operator page, each behind its own rule.
    public func router() -> Router<HubRequestContext> {
        let table = routeTable()
        do {
            try table.checkEveryRouteHasARule()
        } catch {
            // A programming error, found by the first start (and the route test), never by a caller.
            preconditionFailure("\(error)")
        }
        return table.router
    }

    private func routeTable() -> RouteTable {
        let routes = RouteTable(
            auth: auth, origins: origins, proxies: config?.current.trustedProxies ?? TrustedProxies(), logger: logger)
        if let auth {
            addAuthRoutes(to: routes, auth: auth)
            addAdjudicationRoutes(to: routes, records: auth.store, feed: live)
            addPassageResolutionRoute(to: routes)
        }
        if let live { addLiveRoute(to: routes, feed: live) }
        addMetricsRoute(to: routes)
        routes.get("/healthz", .open) { _, _ in try await health() }
        routes.get("/api/v1/events", .people) { request, _ in try await events(request) }
        routes.get("/api/v1/events/:id", .people) { _, context in
            let id = try context.parameters.require("id")
            guard let e = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
            return try JSONResponse.make(e)
        }
        routes.get("/api/v1/raw/:sha256", .people) { _, context in try await raw(try context.parameters.require("sha256")) }
        addScanRoutes(to: routes)
        addDeclarationRoutes(to: routes)
        addFeedRoutes(to: routes)
        addBlobRoutes(to: routes)
        addForwardRoutes(to: routes)
        addAnalystRoutes(to: routes)
        addAdmissionRoutes(to: routes)
        routes.get("/api/v1/devices", .people) { _, _ in try devices() }
        routes.get("/api/v1/lanes", .people) { _, _ in try await laneBoard() }
        routes.get("/api/v1/transits", .people) { _, _ in
            struct Body: Encodable { var transits: [TransitPicture] }
            return try JSONResponse.make(Body(transits: transits?() ?? []))
        }
        routes.get("/api/v1/config", .people) { _, _ in
            struct Body: Encodable {
                var file: String?
                var site: String?
                var devices: [String]
                var profiles: [String]
                var lastReload: ConfigState.Reload?
            }
            let current = config?.current
            return try JSONResponse.make(
                Body(
                    file: current?.file, site: current?.site, devices: current?.devices.map(\.id) ?? [],
                    profiles: current.map { Array($0.profiles.keys).sorted() } ?? [], lastReload: config?.lastReload))
        }
        // The page that carries the login form.
        routes.get("/", .open) { [site] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OperatorPage.html(site: site))))
        }
        // Last: it describes every route above, with the roles their rules name.
        addOpenAPIRoute(to: routes)
        return routes
    }

    private func health() async throws -> Response {
        struct Body: Encodable {
            var status: String
            var site: String
            var store: StoreCounts?
            var storeError: String?
            var devices: [String: Int]
        }
        var byState: [String: Int] = [:]
        for d in registry.all() { byState[d.state.rawValue, default: 0] += 1 }
        do {
            let counts = try await store.counts()
            return try JSONResponse.make(Body(status: "ok", site: site, store: counts, devices: byState))
        } catch {
            return try JSONResponse.make(
                Body(status: "store unavailable", site: site, storeError: "\(error)", devices: byState),
                status: .serviceUnavailable)
        }
    }

    private func events(_ request: Request) async throws -> Response {
        let query: EventQuery
        do {
            query = try EventQuery(parameters: request.uri.queryParameters)
        } catch let e as BadRequest {
            return JSONResponse.error(.badRequest, e.message, field: e.field)
        }
        struct Body: Encodable {
            var events: [InspectionEvent]
            var next: String?
        }
        do {
            let page = try await store.events(query)
            return try JSONResponse.make(Body(events: page.events, next: page.next))
        } catch let e as InvalidCursor {
            return JSONResponse.error(.badRequest, e.description, field: "cursor")
        }
    }

    private func raw(_ sha256: String) async throws -> Response {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
            return JSONResponse.error(.badRequest, "expected 64 hex digits", field: "sha256")
        }
        struct Record: Encodable {
            var sha256: String
            var format: String
            var device: String
            var firstReceivedAt: Date
            var receivedAt: Date
            var frames: Int
            var bytes: Int
            var base64: String
            /// The bytes as text when they are UTF-8 (line protocols), for reading by eye.
            var text: String?
        }
        let records = try await store.rawRecords(sha256: sha256.lowercased())
        guard let r = records.first else { return JSONResponse.error(.notFound, "no raw record \(sha256)") }
        return try JSONResponse.make(
            Record(
                sha256: r.sha256, format: r.format, device: r.deviceID, firstReceivedAt: r.firstReceivedAt,
                receivedAt: r.receivedAt, frames: r.frameCount, bytes: r.bytes.count,
                base64: Data(r.bytes).base64EncodedString(), text: String(validating: r.bytes, as: UTF8.self)))
    }

    private func devices() throws -> Response {
        struct Body: Encodable { var devices: [DeviceRegistry.Status] }
        return try JSONResponse.make(Body(devices: registry.all()))
    }
}

extension EventQuery {
    /// Reads `kind, device, site, lane, severity, since, until, cursor, limit, order` from a query string.
    init(parameters p: Parameters) throws {
        self.init()
        kind = p.get("kind")
        device = p.get("device")
        site = p.get("site")
        lane = p.get("lane")
        if let s = p.get("severity") {
            guard let v = Severity(rawValue: s) else {
                throw BadRequest(field: "severity", message: "expected info, warning or alarm; got '\(s)'")
            }
            severity = v
        }
        for (name, keyPath) in [("since", \EventQuery.since), ("until", \EventQuery.until)] {
            guard let text = p.get(name) else { continue }
            guard let date = Timestamp.parse(text) else {
                throw BadRequest(field: name, message: "expected an RFC 3339 time like 2026-01-31T08:00:00Z; got '\(text)'")
            }
            self[keyPath: keyPath] = date
        }
        cursor = p.get("cursor")
        if let l = p.get("limit") {
            guard let v = Int(l), v >= 1, v <= EventQuery.maxLimit else {
                throw BadRequest(field: "limit", message: "expected 1 to \(EventQuery.maxLimit); got '\(l)'")
            }
            limit = v
        }
        if let o = p.get("order") {
            guard o == "asc" || o == "desc" else {
                throw BadRequest(field: "order", message: "expected asc or desc; got '\(o)'")
            }
            newestFirst = o == "desc"
        }
    }
}
