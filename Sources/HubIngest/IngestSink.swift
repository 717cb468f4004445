import Foundation
import HubDevices
import HubModel
import HubStore
import Logging

/// Where decoded batches go: the store first (it must hold them), then the registry and whoever
/// watches events live (correlation, the API's live views).
public final class IngestSink: Sendable {
    public typealias Observer = @Sendable ([InspectionEvent]) -> Void

    public let store: any EventStore
    public let registry: DeviceRegistry
    private let observers: [Observer]
    private let logger: Logger

    public init(store: any EventStore, registry: DeviceRegistry, observers: [Observer] = [], logger: Logger) {
        self.store = store
        self.registry = registry
        self.observers = observers
        self.logger = logger
    }

    /// Stores a device's batch, retrying a failing store a few times before giving the batch up
    /// (and saying so) rather than blocking the device's port forever.
    public func deliver(deviceID: String, batch: IngestBatch, counters: DecodeCounters) async {
        registry.traffic(deviceID, counters: counters, newEvents: batch.events.count)
        guard !batch.isEmpty else { return }
        var delay: Duration = .milliseconds(100)
        for attempt in 1...4 {
            do {
                // A batch already taken from a device is written even while the hub shuts down:
                // the write runs outside the caller's cancellation.
                let store = self.store
                try await Task { try await store.append(batch) }.value
                break
            } catch {
                if attempt == 4 {
                    logger.error(
                        "store failed, batch lost",
                        metadata: ["device": "\(deviceID)", "events": "\(batch.events.count)", "error": "\(error)"])
                    registry.storeFailure(deviceID, error: "\(error)")
                    return
                }
                logger.warning("store failed, retrying", metadata: ["device": "\(deviceID)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay *= 4
            }
        }
        for observe in observers { observe(batch.events) }
    }
}
