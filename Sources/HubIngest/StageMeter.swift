import HubModel
import Metrics
import Synchronization

/// How far one correlation stage (passages, transits, risk) is behind: events handed to it and not
/// yet dealt with (its queue depth), and for each one the time from its storage to the stage's
/// result being stored (`niihub_correlation_seconds{stage}`, a histogram).
public final class StageMeter: Sendable {
    public let stage: String
    private let pending = Atomic<Int>(0)
    private let timer: Timer

    public init(stage: String) {
        self.stage = stage
        timer = Timer(label: "niihub_correlation_seconds", dimensions: [("stage", stage)])
    }

    /// Events queued now; returns the instant to hand back to `done`.
    func entered(_ count: Int) -> ContinuousClock.Instant {
        pending.add(count, ordering: .relaxed)
        return .now
    }

    /// `count` events queued at `since` are dealt with.
    func done(_ count: Int, since: ContinuousClock.Instant) {
        pending.subtract(count, ordering: .relaxed)
        let elapsed = ContinuousClock.now - since
        let ns = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        for _ in 0..<count { timer.recordNanoseconds(ns) }
    }

    /// Events waiting for the stage.
    public var depth: Int { pending.load(ordering: .relaxed) }
}

/// Stored events waiting for a stage, and when they were handed over.
struct QueuedEvents: Sendable {
    var events: [InspectionEvent]
    var at: ContinuousClock.Instant
}
