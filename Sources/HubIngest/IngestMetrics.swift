import HubModel
import Metrics

/// What the ingest path counts, through swift-metrics (the hub bootstraps a Prometheus backend;
/// without one these are no-ops). Labels are the device and its protocol, so a misbehaving unit
/// stands out on a dashboard.
enum IngestMetrics {
    /// One device's counters, made once: making a `Counter` looks it up in the backend's registry
    /// by label and dimensions, six times per delivered batch (1.4 % of the hub's CPU with 10,000
    /// seals reporting, perf). Held by the sink, not globally, so a sink made before the hub's
    /// backend was bootstrapped (a unit test's) never pins a no-op counter for a later hub.
    struct DeviceCounters: Sendable {
        let protocolName: String
        let frames, events, rejects, unknownCodes, skippedFrames, skippedBytes: Counter

        init(deviceID: String, protocolName: String) {
            self.protocolName = protocolName
            let dims = [("device", deviceID), ("protocol", protocolName)]
            frames = Counter(label: "niihub_frames_total", dimensions: dims)
            events = Counter(label: "niihub_events_total", dimensions: dims)
            rejects = Counter(label: "niihub_rejects_total", dimensions: dims)
            unknownCodes = Counter(label: "niihub_unknown_codes_total", dimensions: dims)
            skippedFrames = Counter(label: "niihub_skipped_frames_total", dimensions: dims)
            skippedBytes = Counter(label: "niihub_skipped_bytes_total", dimensions: dims)
        }

        func delivered(_ counted: DecodeCounters, events count: Int) {
            frames.increment(by: counted.frames)
            events.increment(by: count)
            rejects.increment(by: counted.rejectedTotal)
            unknownCodes.increment(by: counted.unknownTotal)
            skippedFrames.increment(by: counted.skippedFramesTotal)
            skippedBytes.increment(by: counted.skippedBytes)
        }
    }

    /// One store transaction: how many device batches it carried, and how long it took.
    static func committed(batches: Int, seconds: Duration) {
        Counter(label: "niihub_store_commits_total").increment()
        Counter(label: "niihub_store_committed_batches_total").increment(by: batches)
        Timer(label: "niihub_store_commit_seconds").recordNanoseconds(
            seconds.components.seconds * 1_000_000_000 + seconds.components.attoseconds / 1_000_000_000)
    }

    /// A device batch began waiting for a correlation stage that is behind.
    static func heldForStages() { Counter(label: "niihub_ingest_held_total").increment() }

    /// How long that batch waited.
    static func heldForStages(_ waited: Duration) {
        FloatingPointCounter(label: "niihub_ingest_held_seconds_total").increment(
            by: Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18)
    }

    static func storeFailed() { Counter(label: "niihub_store_failures_total").increment() }
}
