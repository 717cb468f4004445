import Foundation
import Hummingbird
import HubCorrelation
import HubDevices
import HubSite
import HubIngest
import HubModel
import HubStore
import Logging

/// The hub's HTTP API, version 1, its health check and the operator page, assembled from one
/// controller per area (`RouteController`). Each controller holds only the dependencies its
/// handlers use and declares each route with its handler, role, audit name and OpenAPI operation
/// together; this type decides which areas a hub has (the auth routes need `auth`, the live socket
/// `live`) and registers them on one `RouteTable`, the OpenAPI document last.
public struct HubAPI: Sendable {
    /// The blob controller's ceiling on uploads written at once.
    static let maxBlobUploadsInFlight = BlobRoutes.maxUploadsInFlight

    private let controllers: [any RouteController]
    private let auth: AuthService?
    /// Which browser origins may send cookie-authenticated changes and open the live socket.
    private let origins: OriginPolicy
    /// Read when the router is made, for the trusted proxies of the moment.
    private let config: ConfigState?
    private let logger: Logger

    /// The API over a hub's parts; `auth` nil serves every route without credentials (embedding
    /// only), `declarations` is normally the events' own SQLite file, `ids` the ingest's generator
    /// (for events posted here), `forwarding` nil refuses gate hubs' batches, `resolvePassage`
    /// (evidence id, passage id, user) nil when the hub assembles no passages, `exportPackage`
    /// nil when the site has no package signing key, `receivePackage` nil when the hub receives none.
    public init(
        store: any EventStore, registry: DeviceRegistry, lanes: LaneActivity, site: String, config: ConfigState? = nil,
        ids: EventIDGenerator = EventIDGenerator(), declarations: (any DeclarationStore)? = nil,
        auth: AuthService? = nil, live: LiveFeed? = nil, logger: Logger = Logger(label: "niihub.api"),
        blobs: BlobStore? = nil, metricSources: MetricSources? = nil, transits: (@Sendable () async -> Data?)? = nil,
        forwarding: (any ForwardingStore)? = nil, tls: Bool = false, allowedOrigins: [String] = [],
        resolvePassage: (@Sendable (String, String, String) async -> PassageStage.Resolution?)? = nil,
        exportPackage: (@Sendable (String) async throws -> SignedPackage)? = nil,
        receivePackage: (@Sendable ([UInt8]) async throws -> ReceivedPackage)? = nil
    ) {
        origins = OriginPolicy(tls: tls, allowed: allowedOrigins)
        self.auth = auth
        self.config = config
        self.logger = logger
        var areas: [any RouteController] = []
        if let auth {
            areas.append(AuthRoutes(auth: auth, secureCookies: origins.tls, logger: logger))
            areas.append(AdjudicationRoutes(store: store, records: auth.store, feed: live))
            areas.append(AcknowledgementRoutes(store: store, records: auth.store, feed: live))
            areas.append(PassageRoutes(resolvePassage: resolvePassage))
            areas.append(NotificationRoutes(outbox: auth.store, rules: auth.store, config: config))
            areas.append(NotificationRuleRoutes(store: auth.store, config: config))
            let desk = SealCommandDesk(
                registry: registry, store: store, declarations: declarations, ids: ids, site: site,
                settings: { [config] in (config?.current.sealCommands ?? SealCommandSettings(), config?.current.routes ?? [:]) })
            areas.append(SealCommandRoutes(desk: desk))
        }
        if let live { areas.append(LiveRoutes(feed: live)) }
        areas += [
            MetricsRoute(store: store, registry: registry, sources: metricSources, live: live),
            SiteRoutes(store: store, registry: registry, site: site, config: config, transits: transits),
            EventRoutes(store: store),
            RawChainRoute(store: store),
            CountRateRoutes(store: store, config: config),
            ScanRoutes(store: store, ids: ids, site: site),
            DeclarationRoutes(declarationStore: declarations),
            FeedRoutes(store: store, consumers: metricSources?.feed),
            BlobRoutes(blobs: blobs),
            ImageRoutes(cache: blobs.map { ImageCache(blobs: $0) }),
            ReviewRoutes(store: store, declarations: declarations, ids: ids, config: config, claims: ReviewClaims()),
            ForwardRoutes(forwarding: forwarding),
            NationalRoutes(forwarding: forwarding, config: config),
            AnalystRoutes(store: store, declarationStore: declarations, lanes: lanes),
            EventExportRoutes(store: store),
            PackageRoutes(export: exportPackage),
            PackageReceiveRoutes(receive: receivePackage),
            TimeReleaseRoutes(store: store, declarationStore: declarations, config: config),
            ReportRoutes(config: config),
            AdmissionRoutes(registry: registry, config: config),
            ProfileRoutes(config: config),
            ConsoleRoutes(site: site, configured: config?.current.console.assets),
        ]
        controllers = areas
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
            try table.checkEveryAPIRouteIsDocumented()
        } catch {
            // A programming error, found by the first start (and the route tests), never by a caller.
            preconditionFailure("\(error)")
        }
        return table.router
    }

    /// Every area's routes on one table, the OpenAPI document last: it is made from the routes
    /// registered before it.
    func routeTable() -> RouteTable {
        let table = RouteTable(
            auth: auth, origins: origins, proxies: config?.current.trustedProxies ?? TrustedProxies(), logger: logger)
        for area in controllers { area.register(on: table) }
        OpenAPIRoute().register(on: table)
        return table
    }
}
