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
        let deadlines = AckDeadlines(units: options.units, timeout: .milliseconds(Int64(options.ackTimeout * 1000)))
        let watcher = Task { await deadlines.watch() }
        await withTaskGroup(of: Void.self) { group in
            for u in 0..<options.units {
                group.addTask {
                    var timings = UnitTimings()
                    await unit(
                        u, route: route, pacer: pacer, stats: stats, trace: trace, deadlines: deadlines, started: started,
                        timings: &timings)
                    stats.add(timings)
                }
            }
        }
        watcher.cancel()
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
        _ u: Int, route: Route, pacer: Pacer, stats: FleetStats, trace: Trace, deadlines: AckDeadlines,
        started: ContinuousClock.Instant, timings: inout UnitTimings
    ) async {
        let id = Identities.imei(base: options.imeiBase, index: u)
        var rng = SeededRandom(seed: options.pace.seed &+ UInt64(u) &* 0x9E37)
        var faults = FaultInjector(self.faults, place: script.checksum, seed: options.pace.seed &+ UInt64(u))
        // Spread the units over one interval, and their dialling over batches, as a real fleet would.
        let phase = options.interval * Double(u) / Double(options.units)
        try? await Task.sleep(for: .milliseconds(20 * (u / options.concurrency)))
        var step = 0
        var serial: UInt16 = 1
        var first = true
        while options.reports == 0 || step < options.reports {
            if !first { stats.reconnects.add(1, ordering: .relaxed) }
            first = false
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(10))
                    .connect(host: options.host, port: options.port) { ch in
                        ch.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                                wrappingChannelSynchronously: ch, configuration: .init(isOutboundHalfClosureEnabled: true))
                        }
                    }
                stats.connected.add(1, ordering: .relaxed)
                let go = try await channel.executeThenClose { inbound, outbound in
                    let (replies, feed) = AsyncStream.makeStream(of: FleetReply.self)
                    return try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await b in inbound {
                                stats.replyBytes.add(b.readableBytes, ordering: .relaxed)
                                feed.yield(.bytes(Array(b.readableBytesView)))
                            }
                            feed.finish()
                        }
                        defer { group.cancelAll() }
                        var it = replies.makeAsyncIterator()
                        var waits = 0
                        /// The next reply, or nil at the hub's close or after the ack timeout.
                        func next() async -> [UInt8]? {
                            waits += 1
                            let wait = waits
                            deadlines.set(u, wait: wait, until: .now + .milliseconds(Int64(options.ackTimeout * 1000)), feed: feed)
                            defer { deadlines.clear(u) }
                            while let r = await it.next() {
                                switch r {
                                case .bytes(let b): return b
                                case .timeout(let w): if w == wait { return nil }
                                }
                            }
                            return nil
                        }
                        try await outbound.write(ByteBuffer(bytes: script.login(unit: id, serial: serial)))
                        serial &+= 1
                        var reply: [UInt8] = []
                        var accepted: Bool?
                        while accepted == nil, let r = await next() {
                            reply += r
                            accepted = script.loginAccepted(reply)
                        }
                        guard accepted == true else {
                            if accepted == false { stats.refused.add(1, ordering: .relaxed) } else { stats.failed.add(1, ordering: .relaxed) }
                            return false
                        }
                        stats.loginsAcked.add(1, ordering: .relaxed)
                        var expected = 0, received = 0
                        // Commands from the hub among its acks are answered as the unit would; only acks count.
                        var answerer = script.answerer(unit: id)
                        func hear(_ r: [UInt8]) async throws -> Int {
                            guard var a = answerer else { return r.count }
                            let heard = a.take(r)
                            answerer = a
                            for f in heard.send { try await outbound.write(ByteBuffer(bytes: f)) }
                            expected += heard.moreAcks
                            return heard.acks
                        }
                        while options.reports == 0 || step < options.reports {
                            let t = phase + Double(step) * options.interval
                            if !faults.inBurst() { try await pacer.wait(until: t) }
                            let p = route.position(after: options.kmh / 3.6 * t + Double(u) * 150)
                            let fix = Route.Fix(lat: p.lat, lon: p.lon, courseDeg: p.courseDeg.rounded(), speedKmh: options.kmh)
                            let alarm = options.alarmRate > 0 && rng.chance(options.alarmRate)
                            let at = pacer.date(t, skewS: self.faults.clockSkew)
                            let frames = script.report(unit: id, step: step, at: at, position: fix, alarm: alarm, serial: serial)
                            serial &+= UInt16(frames.count)
                            trace.record(["unit": id, "step": step, "at": Timestamp.format(at), "lat": fix.lat, "lon": fix.lon,
                                          "alarm": alarm])
                            var bytes: [UInt8] = []
                            for f in frames {
                                let sent = faults.apply(f)
                                bytes += sent
                                // A damaged frame draws no ack, a doubled one two; garbage in front is not counted.
                                let copies = sent == f ? 1 : sent == f + f ? 2 : 0
                                expected += copies * script.replyBytes(for: f, unit: id)
                            }
                            let awaited = expected > received
                            let sentAt = ContinuousClock.now
                            try await outbound.write(ByteBuffer(bytes: bytes))
                            stats.framesSent.add(frames.count, ordering: .relaxed)
                            if alarm { stats.alarms.add(1, ordering: .relaxed) }
                            step += 1
                            // Like a real unit, wait for the acks of what was sent before going on.
                            while received < expected, let r = await next() { received += try await hear(r) }
                            let doneAt = ContinuousClock.now
                            if awaited, received >= expected {
                                timings.acks.append((at: (doneAt - started).inSeconds, latency: (doneAt - sentAt).inSeconds))
                            }
                            timings.reports.append((at: (doneAt - started).inSeconds, frames: frames.count))
                            if faults.shouldDisconnect() { break }
                        }
                        // Say we are done and read until the hub closes: closing with its acks unread
                        // would reset the connection and throw away frames it has not read yet.
                        outbound.finish()
                        while await next() != nil {}
                        return true
                    }
                }
                if !go { return }
            } catch {
                stats.failed.add(1, ordering: .relaxed)
                return
            }
        }
    }
}
