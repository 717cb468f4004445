import Foundation

/// Simulated time against the wall clock: at `--speed 10` ten simulated seconds pass per real one.
/// Simulated timestamps start at the real "now" so the hub sees current readings.
struct Pacer: Sendable {
    let speed: Double
    let startedAt = ContinuousClock.now
    let epoch: Date

    init(speed: Double, epoch: Date = Date()) {
        self.speed = speed
        self.epoch = epoch
    }

    /// The device clock at simulated second `t` (plus any injected skew).
    func date(_ t: Double, skewS: Double = 0) -> Date { epoch.addingTimeInterval(t + skewS) }

    /// Sleeps until simulated second `t` is due.
    func wait(until t: Double) async throws {
        let due = startedAt + .milliseconds(Int64(t / speed * 1000))
        if due > .now { try await Task.sleep(until: due) }
    }
}
