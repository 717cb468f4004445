import Foundation
import Synchronization

/// Simulated time against the wall clock: at `--speed 10` ten simulated seconds pass per real one.
/// Simulated timestamps start at the real "now" so the hub sees current readings.
struct Pacer: Sendable {
    let speed: Double
    let startedAt = ContinuousClock.now
    let epoch: Date
    /// Elastic: a pacer that wakes late (a loaded machine) moves the rest of the schedule back by
    /// as much, so what follows keeps its spacing. A lane played in a burst would put a camera read
    /// at the moment the truck is already in the portal, which no real lane does.
    let elastic: Bool
    private let lag = LagBox()

    init(speed: Double, epoch: Date = Date(), elastic: Bool = false) {
        self.speed = speed
        self.epoch = epoch
        self.elastic = elastic
    }

    /// The device clock at simulated second `t` (plus any injected skew).
    func date(_ t: Double, skewS: Double = 0) -> Date { epoch.addingTimeInterval(t + skewS + lag.seconds) }

    /// How far the schedule has moved back because the pacer woke late.
    var lagS: Double { lag.seconds }

    /// Sleeps until simulated second `t` is due.
    func wait(until t: Double) async throws {
        if let left = delay(until: t) { try await Task.sleep(for: left) }
    }

    /// How long until simulated second `t` is due; nil when it is (and, when elastic, the schedule
    /// moved back by how late it is).
    func delay(until t: Double) -> Duration? {
        let due = startedAt + lag.duration + .milliseconds(Int64(t / speed * 1000))
        let now = ContinuousClock.now
        if due > now { return due - now }
        if elastic, now - due > .milliseconds(200) { lag.add(now - due) }
        return nil
    }
}

/// The lag a pacer and its copies share.
private final class LagBox: Sendable {
    private let value = Mutex<Duration>(.zero)
    var duration: Duration { value.withLock { $0 } }
    var seconds: Double {
        let d = duration.components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }
    func add(_ d: Duration) { value.withLock { $0 += d } }
}
