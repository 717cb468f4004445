import Hummingbird
import HubDevices

extension HubAPI {
    /// `GET /metrics` in Prometheus text format (any role: a scraper gets an API token).
    func addMetricsRoute(to router: Router<HubRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: HubMetrics.exposition(registry: registry, liveClients: live?.count ?? 0)))
        }
    }
}
