import Foundation
import HubDevices
import HubModel
import HubSimulation
import NIOCore
import NIOPosix
import Synchronization

/// Runs N simulated units against a hub listener, each on its own connection: login, wait for the
/// ack, then reports along the route at the chosen pace, with the faults asked for.
struct FleetRunner<Script: TrackerScript>: Sendable {
    let script: Script
    let options: FleetOptions
    let faults: FaultOptions

    /// Runs every unit to the end; returns the counters (the summary is printed too).
    @discardableResult
    func run() async throws -> FleetStats {
        DescriptorLimit.raise()
        let stats = FleetStats()
        let trace = try Trace(path: options.pace.trace)
        let route = options.route.flatMap(Route.init(text:)) ?? .corridor
        let pacer = Pacer(speed: options.pace.speed)
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for u in 0..<options.units {
                group.addTask {
                    var timings = UnitTimings()
                    await unit(
                        u, route: route, pacer: pacer, stats: stats, trace: trace, started: started,
                        timings: &timings)
                    stats.add(timings)
                }
            }
        }
        trace.close()
        let seconds = max(Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                          + Double((ContinuousClock.now - started).components.seconds), 1e-3)
        let frames = stats.framesSent.load(ordering: .relaxed)
        note("""
            \(script.name): \(stats.connected.load(ordering: .relaxed)) connections for \(options.units) units, \
            \(stats.loginsAcked.load(ordering: .relaxed)) logins acked, \(stats.refused.load(ordering: .relaxed)) refused, \
            \(stats.failed.load(ordering: .relaxed)) failed, \(stats.reconnects.load(ordering: .relaxed)) reconnects; \
            \(frames) frames (\(stats.alarms.load(ordering: .relaxed)) alarms) in \(String(format: "%.1f", seconds)) s \
            = \(Int(Double(frames) / seconds)) frames/s; \(stats.replyBytes.load(ordering: .relaxed)) reply bytes
            """)
        let timings = stats.merged
        let summary = FleetSummary(stats: stats, timings: timings, seconds: seconds)
        if let p50 = summary.ackLatencyP50Ms, let p99 = summary.ackLatencyP99Ms {
            note(String(format: "ack latency p50 %.2f ms, p99 %.2f ms over %d acked reports", p50, p99, timings.acks.count))
        }
        if let rate = summary.sustainedFramesPerSecond { note("sustained \(Int(rate)) frames/s (middle 80 % of frames)") }
        if let path = options.summaryJSON { try summary.write(to: path) }
        return stats
    }

    private func unit(
        _ u: Int, route: Route, pacer: Pacer, stats: FleetStats, trace: Trace, started: ContinuousClock.Instant,
        timings: inout UnitTimings
    ) async {
        let setup = UnitSetup(
            script: script, options: options, clockSkewS: faults.clockSkew, index: u,
            id: Identities.imei(base: options.imeiBase, index: u), route: route, pacer: pacer, stats: stats, trace: trace,
            started: started,
            // Spread the units over one interval, and their dialling over batches, as a real fleet would.
            phase: options.interval * Double(u) / Double(options.units),
            ackTimeout: .milliseconds(Int64(options.ackTimeout * 1000)))
        var progress = UnitProgress(
            faults: FaultInjector(self.faults, place: script.checksum, seed: options.pace.seed &+ UInt64(u)),
            rng: SeededRandom(seed: options.pace.seed &+ UInt64(u) &* 0x9E37))
        defer { timings = progress.timings }
        try? await Task.sleep(for: .milliseconds(20 * (u / options.concurrency)))
        var first = true
        while options.reports == 0 || progress.step < options.reports {
            if !first { stats.reconnects.add(1, ordering: .relaxed) }
            first = false
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let done = loop.makePromise(of: UnitConnection<Script>.Outcome.self)
            let carried = progress
            do {
                _ = try await ClientBootstrap(group: loop)
                    .connectTimeout(.seconds(10))
                    .channelInitializer { ch in
                        ch.eventLoop.makeCompletedFuture {
                            try ch.pipeline.syncOperations.addHandler(UnitConnection(setup: setup, progress: carried, done: done))
                        }
                    }
                    .connect(host: options.host, port: options.port).get()
            } catch {
                done.fail(error)
                stats.failed.add(1, ordering: .relaxed)
                return
            }
            stats.connected.add(1, ordering: .relaxed)
            guard let outcome = try? await done.futureResult.get() else { return }
            progress = outcome.progress
            if !outcome.goOn { return }
        }
    }
}
