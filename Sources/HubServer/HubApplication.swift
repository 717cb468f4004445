import Foundation
import Hummingbird
import HubCorrelation
import HubDevices
import HubIngest
import HubModel
import HubStore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The whole hub for one site: store, device services and the HTTP API in one `ServiceGroup`, so
/// Ctrl-C or SIGTERM stops every part in order.
public struct HubApplication: Sendable {
    public let config: SiteConfig
    public let store: SQLiteEventStore
    public let registry: DeviceRegistry
    public let lanes: LaneActivity
    public let sink: IngestSink
    private let logger: Logger
    private let ids = EventIDGenerator()

    /// Opens the store and prepares (without starting) every enabled device.
    public init(config: SiteConfig, logger: Logger) async throws {
        self.config = config
        self.logger = logger
        store = try SQLiteEventStore(path: config.storePath)
        registry = DeviceRegistry(devices: config.devices)
        let lanes = LaneActivity()
        self.lanes = lanes
        // The lane board starts from what is already stored, so a restart does not blank it.
        var q = EventQuery()
        q.kind = "radiation."
        q.newestFirst = true
        q.limit = EventQuery.maxLimit
        lanes.observe(try await store.events(q).events.reversed())
        sink = IngestSink(
            store: store, registry: registry, observers: [{ lanes.observe($0) }], logger: logger)
    }

    /// Runs until SIGTERM or SIGINT. `onServerRunning` receives the bound port (the config may ask for 0).
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await serviceGroup(signals: [.sigterm, .sigint], onServerRunning: onServerRunning).run()
    }

    /// Every part of the hub as one group, for a caller that decides itself when to shut down
    /// (`triggerGracefulShutdown()`), as tests do.
    public func serviceGroup(
        signals: [UnixSignal] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> ServiceGroup {
        let api = HubAPI(store: store, registry: registry, lanes: lanes, site: config.site, ids: ids)
        let app = Application(
            router: api.router(),
            configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "niihub"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        var services: [any Service] = []
        for device in config.devices where device.enabled {
            switch device.profile.transport.kind {
            case .serial:
                services.append(SerialDeviceService(device: device, sink: sink, ids: ids, logger: logger))
            case .tcp, .udp, .file:
                logger.warning(
                    "transport not available yet; device not started",
                    metadata: ["device": "\(device.id)", "transport": "\(device.profile.transport.kind.rawValue)"])
                registry.set(device.id, state: .offline, error: "transport \(device.profile.transport.kind) not supported")
            }
        }
        services.append(app)
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: signals, logger: logger))
    }
}
