import Foundation
import Synchronization

/// A fleet run's outcome as JSON (`--summary-json`), for the benchmark scripts.
struct FleetSummary: Encodable {
    var connections: Int
    var loginsAcked: Int
    var refused: Int
    var failed: Int
    var reconnects: Int
    var frames: Int
    var seconds: Double
    var framesPerSecond: Double
    var sustainedFramesPerSecond: Double?
    var ackedReports: Int
    var ackLatencyP50Ms: Double?
    var ackLatencyP99Ms: Double?
    var ackLatencyMaxMs: Double?
    /// Of the acks read while the fleet ran at full strength (`UnitTimings.sustainedWindow`).
    var ackLatencySustainedP50Ms: Double?
    var ackLatencySustainedP99Ms: Double?
    /// The p99 of the acks read in each tenth of the run, in milliseconds.
    var ackLatencyP99MsByTenth: [Double?]

    init(stats: FleetStats, timings: UnitTimings, seconds: Double) {
        connections = stats.connected.load(ordering: .relaxed)
        loginsAcked = stats.loginsAcked.load(ordering: .relaxed)
        refused = stats.refused.load(ordering: .relaxed)
        failed = stats.failed.load(ordering: .relaxed)
        reconnects = stats.reconnects.load(ordering: .relaxed)
        frames = stats.framesSent.load(ordering: .relaxed)
        self.seconds = seconds
        framesPerSecond = Double(frames) / seconds
        sustainedFramesPerSecond = timings.sustainedFramesPerSecond
        ackedReports = timings.acks.count
        ackLatencyP50Ms = timings.latency(percentile: 50).map { $0 * 1000 }
        ackLatencyP99Ms = timings.latency(percentile: 99).map { $0 * 1000 }
        ackLatencyMaxMs = timings.latency(percentile: 100).map { $0 * 1000 }
        ackLatencySustainedP50Ms = timings.sustainedLatency(percentile: 50).map { $0 * 1000 }
        ackLatencySustainedP99Ms = timings.sustainedLatency(percentile: 99).map { $0 * 1000 }
        ackLatencyP99MsByTenth = timings.latencyByTenth(percentile: 99).map { $0.map { $0 * 1000 } }
    }

    func write(to path: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        try e.encode(self).write(to: URL(fileURLWithPath: path))
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
