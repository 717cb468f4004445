import Foundation
import HubDevices
import ServiceLifecycle

/// Looks for devices gone quiet: once a second, any connected device silent for longer than its
/// profile's `maxSilenceS` becomes `silent` (and a `device.status` alarm says so).
public struct HealthMonitorService: Service {
    private let sink: IngestSink
    private let interval: Duration

    public init(sink: IngestSink, interval: Duration = .seconds(1)) {
        self.sink = sink
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let changes = sink.registry.checkSilence(at: Date())
                if !changes.isEmpty { await sink.report(changes) }
            }
        }
    }
}
