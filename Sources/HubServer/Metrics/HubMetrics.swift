import CoreMetrics
import HubDevices
import HubModel
import Metrics
import NIOCore
import Prometheus

/// The process's Prometheus registry behind swift-metrics. swift-metrics can be bootstrapped once
/// per process, and tests run many hubs in one, so every hub shares this registry.
public enum HubMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let r = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: r))
        return r
    }()

    /// Makes sure the backend is in place before anything creates a metric.
    public static func bootstrap() { _ = registry }

    /// The text exposition, with gauges of the moment: connections, devices by state, live clients,
    /// queue depths (`niihub_queue_depth{queue}`) and each feed consumer's lag.
    static func exposition(
        registry devices: DeviceRegistry, liveClients: Int, queues: [String: Int] = [:],
        feedLags: [FeedConsumers.Lag] = []
    ) -> ByteBuffer {
        for (queue, depth) in queues { Gauge(label: "niihub_queue_depth", dimensions: [("queue", queue)]).record(depth) }
        for lag in feedLags {
            let dims = [("consumer", lag.consumer)]
            Gauge(label: "niihub_feed_undelivered", dimensions: dims).record(lag.undelivered)
            Gauge(label: "niihub_feed_oldest_undelivered_seconds", dimensions: dims).record(lag.oldestAgeS)
        }
        var byState: [String: Int] = [:]
        for state in DeviceRegistry.State.allCases { byState[state.rawValue] = 0 }
        for d in devices.all() {
            Gauge(label: "niihub_device_connections", dimensions: [("device", d.id), ("protocol", d.protocol)])
                .record(d.connections)
            byState[d.state.rawValue, default: 0] += 1
        }
        for (state, n) in byState { Gauge(label: "niihub_devices", dimensions: [("state", state)]).record(n) }
        Gauge(label: "niihub_live_clients").record(liveClients)
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }
}
