import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import HubCorrelation
import HubDelivery
import HubDevices
import HubIngest
import HubModel
import HubServer
import HubSite
import HubStore
import HubStorePostgres
import HubTransports
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// The whole hub for one site: store, device services and the HTTP API in one `ServiceGroup`, so
/// Ctrl-C or SIGTERM stops every part in order.
public struct HubApplication: Sendable {
    public let config: SiteConfig
    /// The site's records: its SQLite file, or the PostgreSQL database it shares with other sites.
    public let store: any HubRecordStore
    public let registry: DeviceRegistry
    public let lanes: LaneActivity
    public let sink: IngestSink
    /// Scanner images, by SHA-256, beside the store.
    public let blobs: BlobStore
    /// Assembles each lane's events into vehicle passages.
    public let passages: StageRunner<PassageStage>
    /// Watches GPS-sealed transits against their declarations.
    public let transits: StageRunner<TransitStage>
    /// Keeps declarations' risk assessments current.
    public let risk: StageRunner<RiskStage>
    /// Stores what the three stages conclude, through the sink that feeds them.
    private let stageResults: StageResults
    /// On a store several hubs share: this hub's leases (correlation, the feed's webhook,
    /// retention), and the reader that feeds the stages from the store while it holds correlation.
    /// Nil on SQLite, which one hub alone uses: its stages are fed by the sink and always run.
    public let leases: LeaseService?
    public let storeTail: StoreTail?
    /// The configuration in force (it changes on reload) and the last reload's outcome.
    public let configState: ConfigState
    /// Logins, tokens and the audit log.
    public let auth: AuthService
    /// Alarms and device state changes pushed to WebSocket clients.
    public let live: LiveFeed
    /// What the lane relays are told (stored events, acknowledgements).
    let relayInbox: RelayInbox
    /// What other replicas sharing a PostgreSQL store put on their live feeds, put on this one too
    /// (nil on SQLite).
    public let liveRelay: LiveRelay?
    /// Answers what only the replica correlating the site knows (the transit map, a passage
    /// resolution), whichever replica an operator's request reached.
    public let holderDesk: HolderDesk
    /// Sends this hub's events to a central hub, when the site config has `forward:`.
    public let forwarder: ForwarderService?
    /// Sends the notification rules' e-mails and webhooks, when the site config has rules.
    public let notifier: NotificationService
    /// The one HTTP client the webhook and the forwarder post with (shut down when the hub stops).
    public let outbound = OutboundHTTP()
    /// Where the first start wrote the admin credential (nil when the store already had users).
    public let firstStartCredential: String?
    /// The feed's readers, for their lag in `/metrics`.
    public let feedConsumers: FeedConsumers
    /// The HTTPS settings when the site config has `tls:`.
    private let tls: TLSConfiguration?
    let logger: Logger
    let ids = EventIDGenerator()
    /// Partners' packages being received now, by SHA-256 (the same bytes twice at once: one waits).
    let packageReceipts = PackageReceipts()
    private let profilesDir: String?
    private let reloadPoll: Duration
    private let reloadSignals: [UnixSignal]

    /// Opens the store and prepares (without starting) every enabled device. `profilesDir` is the
    /// folder given on the command line, if any, which reloads keep using. `passwordRounds` is the
    /// PBKDF2 cost for new passwords (tests lower it: they start hundreds of hubs). `reloadSignals`
    /// make the hub reload its configuration; a hub inside a process that is not its own (a test)
    /// takes none, since a signal reaches the whole process.
    public init(
        config: SiteConfig, logger: Logger, profilesDir: String? = nil, reloadPoll: Duration = .seconds(1),
        reloadSignals: [UnixSignal] = [.sighup], passwordRounds: Int = Secrets.passwordRounds
    ) async throws {
        // Before anything makes a metric: swift-metrics binds each one to the backend of its birth.
        HubMetrics.bootstrap()
        self.config = config
        self.logger = logger
        self.profilesDir = profilesDir
        self.reloadPoll = reloadPoll
        self.reloadSignals = reloadSignals
        configState = ConfigState(config)
        tls = try config.tls.map { try TLSSetup.configuration($0, siteFile: config.file) }
        DescriptorLimit.raise()
        store = try await StoreOpener.open(config.store, logger: logger, replica: config.replica.name)
        blobs = try BlobStore(besideStore: config.storePath)
        let registry = DeviceRegistry(devices: config.devices)
        self.registry = registry
        let lanes = LaneActivity()
        self.lanes = lanes
        // The lane board starts from what is already stored, so a restart does not blank it.
        var q = EventQuery()
        q.kind = "radiation."
        q.newestFirst = true
        q.limit = EventQuery.maxLimit
        // Only this hub's sites: a PostgreSQL store holds the lanes of every hub sharing it.
        let sites = Set(config.devices.map(\.site) + [config.site])
        lanes.observe(try await store.events(q).events.reversed().filter { $0.site.map(sites.contains) ?? true })
        let leases = Self.leases(store: store, site: config.site, settings: config.replica, logger: logger)
        self.leases = leases
        let correlationLease = Self.lease("correlation", site: config.site)
        let correlation = leases.map { l in { @Sendable in l.changes(correlationLease) } }
        let passages = StageRunner(
            PassageStage(
                windows: config.passageWindows, layout: config.laneLayout, ids: ids, logger: logger,
                history: { [store] windows in await PassageHistory.load(store, sites: sites, windows: windows) }),
            lease: correlation)
        self.passages = passages
        let transits = StageRunner(
            TransitStage(declarations: store, routes: config.routes, ids: ids, history: .store(store)), lease: correlation)
        self.transits = transits
        let policy = try config.riskPolicyPath.map { try YAMLDocument.load(RiskPolicy.self, path: $0) } ?? RiskPolicy()
        let risk = StageRunner(
            RiskStage(store: store, policy: policy, ids: ids, logger: logger), limits: RiskStage.limits, lease: correlation)
        self.risk = risk
        // Shared by replicas: the stages follow the store (events any replica stored), not this sink.
        var storeTail: StoreTail?
        if let leases {
            storeTail = StoreTail(
                store: store, leases: leases, lease: correlationLease, cursor: Self.lease(StoreTail.cursorName, site: config.site),
                feeds: [
                    .init(meter: passages.meter) { passages.take($0) }, .init(meter: transits.meter) { transits.take($0) },
                    .init(meter: risk.meter, catchesUp: true) { risk.take($0) },
                ], logger: logger
            ) { e in e.site.map(sites.contains) ?? true }
        }
        self.storeTail = storeTail
        let live = LiveFeed()
        self.live = live
        let holderDesk = Self.holderDesk(
            store: store, leases: leases, lease: correlationLease, passages: passages, transits: transits, logger: logger)
        self.holderDesk = holderDesk
        let relayInbox = RelayInbox(wanted: !config.relays.isEmpty)
        self.relayInbox = relayInbox
        live.observeAcknowledgements { relayInbox.acknowledged($0.eventID) }
        liveRelay = Self.liveRelay(
            store: store, settings: config.store, feed: live, admissions: registry.admissions, logger: logger,
            onDeclaration: { [risk, transits] number in
                transits.declarationChanged(number)
                risk.declarationChanged(number)
            }, onHolder: { await holderDesk.heard($0) },
            // Another replica's alarms at this site's lanes switch the relays wired to this one.
            onEvents: { [site = config.site] events in relayInbox.observe(events.filter { $0.site == nil || $0.site == site }) })
        let stageObservers: [@Sendable ([InspectionEvent]) -> Void] =
            if let storeTail { [{ _ in storeTail.wake() }] } else {
                [{ passages.observe($0) }, { transits.observe($0) }, { risk.observe($0) }]
            }
        // Rung after each stored batch: the notifications' intake sleeps until then.
        let stored = Doorbell()
        sink = IngestSink(
            store: store, registry: registry, ids: ids,
            observers: [{ lanes.observe($0) }, { live.publish($0) }, { relayInbox.observe($0) }, { _ in stored.ring() }] + stageObservers,
            stages: [passages.meter, transits.meter, risk.meter],
            logger: logger)
        // The stages' results go back through the sink that feeds them: built last, bound to nothing late.
        stageResults = StageResults(sink: sink, results: [passages.results, transits.results, risk.results])
        feedConsumers = FeedConsumers(cursors: store, webhookConsumer: config.feedWebhook == nil ? nil : FeedDeliveryService.consumerName)
        if let forward = config.forward {
            forwarder = ForwarderService(config: forward, http: outbound, source: config.site, store: store, logger: logger, blobs: blobs)
        } else {
            forwarder = nil
        }
        // Always running: an admin may add rules on the screen to a site file that has none.
        let notifier = NotificationService(
            settings: config.notifications, zone: TimeZone(identifier: config.console.timeZone) ?? .current,
            catalogs: consoleAssetFolder(configured: config.console.assets), http: outbound, store: store, logger: logger,
            stored: stored)
        // An acknowledgement heard live (this replica's or another's) cancels its escalations at once.
        live.observeAcknowledgements { ack in Task { await notifier.acknowledged(ack.eventID) } }
        self.notifier = notifier
        auth = AuthService(
            store: store, passwordRounds: passwordRounds, maxTokenLifetime: .seconds(config.auth.maxTokenLifetimeS),
            loginLimits: config.loginLimits)
        firstStartCredential = try await auth.bootstrap(storePath: config.storePath, logger: logger)
        try await AdmissionAudit.replay(from: store, into: registry.admissions)
        AdmissionAudit.auditNewPending(registry.admissions, auth: auth, logger: logger)
    }

    /// Which USB serial ports the hub takes, by site pins and profile ids.
    public var usbMatcher: USBMatcher {
        USBMatcher(
            devices: config.devices.filter(\.enabled), profiles: Array(config.profiles.values), site: config.site,
            autoAttach: config.usbAutoAttach)
    }

    /// Runs until SIGTERM or SIGINT. `onServerRunning` receives the bound port (the config may ask for 0).
    /// `reportDelivery`: where each daily report goes once written (the mailer, when one is plugged in).
    public func run(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }, reportDelivery: (any ReportDelivery)? = nil
    ) async throws {
        try await serviceGroup(signals: [.sigterm, .sigint], onServerRunning: onServerRunning, reportDelivery: reportDelivery).run()
    }

    /// The HTTP API over this hub's store, registry, auth and live feed.
    public var api: HubAPI {
        // Writes go through the sink (so API-posted events reach passages, risk and live views), and
        // declaration changes reach the risk service.
        HubAPI(
            store: SinkBackedEventStore(sink), registry: registry, lanes: lanes, site: config.site, config: configState,
            ids: ids,
            declarations: ObservedDeclarationStore(store, announce: { [store] in await store.announce(.declaration(number: $0)) }) {
                [risk, transits] in
                transits.declarationChanged($0)
                risk.declarationChanged($0)
            }, auth: auth,
            live: live, logger: logger, blobs: blobs, metricSources: metricSources, transits: { [holderDesk] in await holderDesk.ask(.transits) },
            forwarding: store, tls: tls != nil, allowedOrigins: config.allowedOrigins,
            resolvePassage: { [holderDesk] event, passage, user in
                let answer = await holderDesk.ask(.resolve(event: event, passage: passage, by: user))
                return answer.flatMap { try? JSONDecoder().decode(PassageStage.Resolution.self, from: $0) }
            }, exportPackage: exportPackage, receivePackage: receivePackage)
    }

    /// Queue depths and feed consumers for `/metrics`.
    private var metricSources: MetricSources {
        MetricSources(
            queues: { [sink, passages, transits, risk] in
                [
                    "store_commit": sink.commitBacklog, "ingest_held": sink.heldBatches,
                    passages.meter.stage: passages.meter.depth,
                    transits.meter.stage: transits.meter.depth, risk.meter.stage: risk.meter.depth,
                ]
            },
            feed: feedConsumers)
    }

    /// Every part of the hub as one group, for a caller that decides itself when to shut down
    /// (`triggerGracefulShutdown()`), as tests do. `reportDelivery` sends each daily report to the site's
    /// `reports.subscribers` (a mailer; nil keeps the reports in their folder only); `reportClock` is when
    /// the reports fall due (tests move it).
    public func serviceGroup(
        signals: [UnixSignal] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        reportDelivery: (any ReportDelivery)? = nil, reportClock: any ReportClock = WallClock()
    ) -> ServiceGroup {
        let router = api.router()
        // An idle keep-alive connection is closed after `http.idleTimeoutS`; a WebSocket client that
        // leaves a ping unanswered until the next is closed, so dead consoles do not hold sockets.
        let idle = TimeAmount.seconds(Int64(config.httpIdleTimeoutS))
        var server: HTTPServerBuilder = .http1WebSocketUpgrade(
            router: router,
            configuration: .init(
                http1: .init(idleTimeout: idle), ws: .init(autoPing: .enabled(timePeriod: .seconds(config.webSocketPingS)))),
            firstRequestWithin: idle)
        if let tls {
            // Cannot fail: `init` already built a TLS context from this configuration.
            server = try! .tls(server, tlsConfiguration: tls)
        }
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "niihub"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        let supervisor = DeviceSupervisor(devices: config.devices, sink: sink, ids: ids, logger: logger, blobs: blobs)
        let hotplug = USBHotplugService(matcher: usbMatcher, sink: sink, ids: ids, logger: logger)
        let reload = ConfigReloadService(
            state: configState, profilesDir: profilesDir, supervisor: supervisor, hotplug: hotplug, passages: passages,
            relays: relayInbox, logger: logger,
            pollInterval: reloadPoll, signals: reloadSignals)
        // First in the group, so the last to stop: every other part may still write while it stops.
        // The outbound client next: it stops after the webhook and the forwarder that post with it.
        var services: [any Service] = [
            StoreCloser(store: store), outbound, HealthMonitorService(sink: sink), supervisor, hotplug, reload,
        ]
        // Always present, so `relays:` added by a reload switch without a restart.
        services.append(
            LaneRelayService(relays: config.relays, site: config.site, inbox: relayInbox, sink: sink, records: store, logger: logger))
        // The leases stop after the stages that work under them (which conclude while still holding them).
        if let leases { services.append(leases) }
        services += [stageResults, passages, transits, risk]
        if let storeTail { services.append(storeTail) }
        // Always present, so retention added by a reload starts without a restart.
        // One hub among those sharing a store purges and posts the feed: the one holding the lease.
        func leased(_ service: any Service, _ lease: String) -> any Service {
            leases.map { LeasedService(service, lease: Self.lease(lease, site: config.site), leases: $0) } ?? service
        }
        services.append(
            leased(RetentionService(store: store, logger: logger) { [configState] in configState.current.retention }, "retention"))
        if let url = config.feedWebhook {
            let feed = FeedDeliveryService(url: url, caFile: config.feedCAFile, http: outbound, store: store, logger: logger)
            services.append(leased(feed, FeedDeliveryService.consumerName))
        }
        // Always present, so `reports:` added by a reload starts writing without a restart; one replica writes them.
        // Mailed through the notifications' relay when one is configured, unless the caller brought its own delivery.
        let mailedReports = reportDelivery ?? config.notifications.smtp.map {
            MailedReports(mailer: Mailer(settings: $0), site: config.site, words: MessageCatalog(folder: consoleAssetFolder(configured: config.console.assets)))
        }
        services.append(leased(dailyReports(clock: reportClock, delivery: mailedReports), "reports"))
        if let forwarder { services.append(forwarder) }
        if let inbox = config.partnerInbox {
            services.append(PartnerInboxService(folder: inbox, receive: receivePackage, store: store, logger: logger))
        }
        services.append(leased(notifier, NotificationService.consumerName))
        if let liveRelay { services.append(liveRelay) }
        services.append(app)
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: signals, logger: logger))
    }
}

extension HubApplication {
    /// The reader of a day's report over this hub's store, in `zone`: the site's lanes with their configured devices.
    public func dailyReportBuilder(zone: TimeZone) -> DailyReportBuilder {
        let current = configState.current
        let lanes = Dictionary(grouping: current.devices.filter { $0.lane != nil }, by: { $0.lane! }).mapValues { $0.map(\.id) }
        return DailyReportBuilder(store: store, declarations: store, adjudications: store, site: current.site, zone: zone, laneDevices: lanes)
    }

    /// The service writing the daily report at the configured hour (idle while the site config has no `reports:`).
    public func dailyReports(clock: any ReportClock = WallClock(), delivery: (any ReportDelivery)? = nil) -> DailyReportService {
        DailyReportService(
            settings: { [configState] in configState.current.reports },
            zone: { [configState] in TimeZone(identifier: configState.current.console.timeZone) ?? .current },
            builder: { zone in self.dailyReportBuilder(zone: zone) }, clock: clock, delivery: delivery,
            words: { [configState] in MessageCatalog(folder: consoleAssetFolder(configured: configState.current.console.assets)) },
            logger: logger)
    }

    /// On a PostgreSQL store, which other replicas may share: what they store reaches this hub's
    /// live feed. Nil on SQLite, which one hub alone uses.
    /// An admission decided on another replica is read back from the audit log, so a unit an admin
    /// approved there is admitted here at its next connection.
    static func liveRelay(
        store: any HubRecordStore, settings: StoreSettings, feed: LiveFeed, admissions: UnitAdmissions, logger: Logger,
        onDeclaration: @escaping @Sendable (String) -> Void, onHolder: @escaping @Sendable (HolderNotice) async -> Void,
        onEvents: @escaping @Sendable ([InspectionEvent]) -> Void
    ) -> LiveRelay? {
        #if PostgreSQL
        if let postgres = store as? PostgresEventStore, case .postgres(let at) = settings {
            return LiveRelay(
                notices: PostgresListener(store: postgres, at: at, logger: logger), store: postgres, feed: feed, logger: logger
            ) { target in
                do {
                    try await AdmissionAudit.replay(from: postgres, into: admissions)
                } catch {
                    logger.warning("could not read another replica's admission decision", metadata: ["unit": "\(target)", "error": "\(error)"])
                }
            } onDeclaration: { onDeclaration($0) } onHolder: { await onHolder($0) } onEvents: { onEvents($0) }
        }
        #endif
        return nil
    }
}

extension HubApplication {
    /// A lease of this site's: replicas of one site share it (one of them correlates, posts the
    /// feed, purges); hubs of other sites sharing the database have their own (`correlation/gate-a`).
    static func lease(_ work: String, site: String) -> String { "\(work)/\(site)" }

    /// Leases, on a store other hubs may share: correlation (passages, transits, risk), the feed's
    /// webhook, retention.
    static func leases(store: any HubRecordStore, site: String, settings: ReplicaSettings, logger: Logger) -> LeaseService? {
        guard store.sharesLeases else { return nil }
        #if PostgreSQL
        let owner = (store as? PostgresEventStore)?.replica ?? settings.name ?? "hub"
        #else
        let owner = settings.name ?? "hub"
        #endif
        return LeaseService(
            store: store, owner: owner, names: ["correlation", FeedDeliveryService.consumerName, "retention", NotificationService.consumerName].map { lease($0, site: site) },
            ttl: .milliseconds(Int64(settings.leaseS * 1000)), logger: logger)
    }
}

/// Closes the store (its connections) once the hub is stopping and every other part has stopped.
struct StoreCloser: Service {
    let store: any HubRecordStore

    func run() async throws {
        try? await gracefulShutdown()
        await store.close()
    }
}
