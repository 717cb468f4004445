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
            t.acks += unit.acks
            t.reports += unit.reports
        }
    }

    /// Every unit's timings, merged.
    var merged: UnitTimings { timings.withLock { $0 } }
}

/// What one unit measured: how long each acknowledged report waited for its acks, and when each
/// report was done (acked, or sent when the protocol does not ack it), for the sustained rate.
struct UnitTimings: Sendable {
    /// Per acknowledged report: seconds since the run started at which its last ack byte was read,
    /// and seconds from writing the report to reading that byte.
    var acks: [(at: Double, latency: Double)] = []
    /// Seconds since the run started at which a report was done, and how many frames it held.
    var reports: [(at: Double, frames: Int)] = []

    /// The `p`th percentile (0–100, nearest rank) of the ack latencies, in seconds; only of the acks
    /// read within `window` (seconds since the start) when given.
    func latency(percentile p: Double, within window: ClosedRange<Double>? = nil) -> Double? {
        let chosen = window.map { w in acks.filter { w.contains($0.at) } } ?? acks
        guard !chosen.isEmpty else { return nil }
        let sorted = chosen.map(\.latency).sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// When 10 % and when 90 % of all frames were done (seconds since the start, and frames done by
    /// then): the stretch the fleet ran at full strength, every unit dialled in and none finished.
    var sustainedWindow: (from: (at: Double, frames: Int), to: (at: Double, frames: Int))? {
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
        return (from, to)
    }

    /// Frames per second within `sustainedWindow`: the rate the fleet sustained.
    var sustainedFramesPerSecond: Double? {
        sustainedWindow.map { w in Double(w.to.frames - w.from.frames) / (w.to.at - w.from.at) }
    }

    /// The `p`th percentile of the acks read within `sustainedWindow`: the latency that goes with the
    /// sustained rate, without the dialling in of thousands of units at the start and the last
    /// stragglers at the end.
    func sustainedLatency(percentile p: Double) -> Double? {
        sustainedWindow.flatMap { w in latency(percentile: p, within: w.from.at...w.to.at) }
    }

    /// The `p`th percentile of the acks read in each tenth of the run (by the time they were read),
    /// in seconds; nil for a tenth without acks. Shows where in the run a tail comes from.
    func latencyByTenth(percentile p: Double) -> [Double?] {
        guard let end = acks.map(\.at).max(), end > 0 else { return [] }
        return (0..<10).map { i in
            let lo = end * Double(i) / 10, hi = end * Double(i + 1) / 10
            return latency(percentile: p, within: lo...hi)
        }
    }
}
