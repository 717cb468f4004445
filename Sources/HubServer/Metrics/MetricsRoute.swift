import Hummingbird
import HubDevices
import HubStore

/// Where `/metrics` reads the hub's queues and feed consumers (the HTTP API alone has neither).
public struct MetricSources: Sendable {
    /// Queue depths by name, of the moment.
    public var queues: @Sendable () -> [String: Int]
    public var feed: FeedConsumers?

    public init(queues: @escaping @Sendable () -> [String: Int], feed: FeedConsumers?) {
        self.queues = queues
        self.feed = feed
    }
}

/// `GET /metrics` in Prometheus text format (any role: a scraper gets an API token).
struct MetricsRoute: RouteController {
    let store: any EventStore
    let registry: DeviceRegistry
    /// The hub's queues and feed consumers; nil for an API embedded without them.
    let sources: MetricSources?
    /// The live socket's clients and backlog.
    let live: LiveFeed?

    func register(on routes: RouteTable) {
        routes.get(
            "/metrics", .people,
            doc: .init(
                summary: "Prometheus metrics.", produces: "text/plain",
                response: ["type": "string", "description": "Prometheus text exposition 0.0.4."])
        ) { _, _ in
            var queues = sources?.queues() ?? [:]
            if let live { queues["live"] = live.backlog }
            let lags = await sources?.feed?.lags(store: store) ?? []
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(
                    byteBuffer: HubMetrics.exposition(
                        registry: registry, liveClients: live?.count ?? 0, queues: queues, feedLags: lags)))
        }
    }
}
