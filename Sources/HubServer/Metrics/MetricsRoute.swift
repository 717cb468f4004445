import Hummingbird
import HubDevices

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

extension HubAPI {
    /// `GET /metrics` in Prometheus text format (any role: a scraper gets an API token).
    func addMetricsRoute(to router: RouteTable) {
        router.get("/metrics", .people) { _, _ in
            var queues = metricSources?.queues() ?? [:]
            if let live { queues["live"] = live.backlog }
            let lags = await metricSources?.feed?.lags(store: store) ?? []
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(
                    byteBuffer: HubMetrics.exposition(
                        registry: registry, liveClients: live?.count ?? 0, queues: queues, feedLags: lags)))
        }
    }
}
