import Foundation
import Synchronization

/// Counters every unit task adds to; read once at the end for the summary.
final class FleetStats: Sendable {
    let connected = Atomic<Int>(0)
    let loginsAcked = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let reconnects = Atomic<Int>(0)
    let framesSent = Atomic<Int>(0)
    let alarms = Atomic<Int>(0)
    let replyBytes = Atomic<Int>(0)
    private let timings = Mutex(UnitTimings())

    /// A unit's timings, handed over once when it ends (so units never contend while they run).
    func add(_ unit: UnitTimings) {
        timings.withLock { t in
            t.ackLatencies += unit.ackLatencies
            t.reports += unit.reports
        }
    }

    /// Every unit's timings, merged.
    var merged: UnitTimings { timings.withLock { $0 } }
}

/// What one unit measured: how long each acknowledged report waited for its acks, and when each
/// report was done (acked, or sent when the protocol does not ack it), for the sustained rate.
struct UnitTimings: Sendable {
    /// Seconds from writing a report to reading its last ack byte.
    var ackLatencies: [Double] = []
    /// Seconds since the run started at which a report was done, and how many frames it held.
    var reports: [(at: Double, frames: Int)] = []

    /// The `p`th percentile (0–100, nearest rank) of the ack latencies, in seconds.
    func latency(percentile p: Double) -> Double? {
        guard !ackLatencies.isEmpty else { return nil }
        let sorted = ackLatencies.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// Frames per second between the moments 10 % and 90 % of all frames were done: the rate the
    /// fleet sustained once every unit was dialled in and before the last ones finished.
    var sustainedFramesPerSecond: Double? {
        let done = reports.sorted { $0.at < $1.at }
        let total = done.reduce(0) { $0 + $1.frames }
        guard total >= 10 else { return nil }
        var seen = 0
        var from: (at: Double, frames: Int)?
        var to: (at: Double, frames: Int)?
        for r in done {
            seen += r.frames
            if from == nil, seen >= total / 10 { from = (r.at, seen) }
            if to == nil, seen >= total * 9 / 10 { to = (r.at, seen) }
        }
        guard let from, let to, to.at > from.at else { return nil }
        return Double(to.frames - from.frames) / (to.at - from.at)
    }
}
