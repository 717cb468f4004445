import HubModel
import Metrics

/// What the ingest path counts, through swift-metrics (the hub bootstraps a Prometheus backend;
/// without one these are no-ops). Labels are the device and its protocol, so a misbehaving unit
/// stands out on a dashboard.
enum IngestMetrics {
    static func delivered(deviceID: String, protocolName: String, counted: DecodeCounters, events: Int) {
        let dims = [("device", deviceID), ("protocol", protocolName)]
        Counter(label: "niihub_frames_total", dimensions: dims).increment(by: counted.frames)
        Counter(label: "niihub_events_total", dimensions: dims).increment(by: events)
        Counter(label: "niihub_rejects_total", dimensions: dims).increment(by: counted.rejectedTotal)
        Counter(label: "niihub_unknown_codes_total", dimensions: dims).increment(by: counted.unknownTotal)
        Counter(label: "niihub_skipped_frames_total", dimensions: dims).increment(by: counted.skippedFramesTotal)
        Counter(label: "niihub_skipped_bytes_total", dimensions: dims).increment(by: counted.skippedBytes)
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
