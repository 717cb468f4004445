import Foundation
import HubModel
import HubSimulation
import NIOCore
import Synchronization

/// What a unit carries from one connection to the next: where it is in its reports, its frame serial,
/// its fault dice and what it measured.
struct UnitProgress: Sendable {
    var step = 0
    var serial: UInt16 = 1
    var faults: FaultInjector
    var rng: SeededRandom
    var timings = UnitTimings()
}

/// What a unit needs to know for every connection it makes; fixed for the run.
struct UnitSetup<Script: TrackerScript>: Sendable {
    let script: Script
    let options: FleetOptions
    let clockSkewS: Double
    let index: Int
    let id: String
    let route: Route
    let pacer: Pacer
    let stats: FleetStats
    let trace: Trace
    let started: ContinuousClock.Instant
    /// The unit's offset within one interval, so that the fleet does not report in lockstep.
    let phase: Double
    let ackTimeout: TimeAmount
}

/// One connection of one unit, served on its event loop: the login, then each report once the acks
/// of the one before have come (or the wait for them timed out), with the faults asked for.
///
/// Before, each unit was a task over an `NIOAsyncChannel` with a second task reading its replies: every
/// report and every ack crossed between the event loop and two tasks, and with 10,000 units the
/// simulator took about a third of the two cores the end-to-end benchmark shares with the hub. Here
/// nothing leaves the event loop until the connection ends and `done` is completed.
final class UnitConnection<Script: TrackerScript>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Whether the unit goes on (with another connection while it has reports left), and its progress.
    typealias Outcome = (goOn: Bool, progress: UnitProgress)

    private enum Phase { case login, reporting, finishing, ended }

    private let setup: UnitSetup<Script>
    private var progress: UnitProgress
    private let done: EventLoopPromise<Outcome>
    private var phase = Phase.login
    private var reply: [UInt8] = []
    private var answerer: CommandAnswerer?
    /// Ack bytes (or acks, for a protocol with commands) expected and received on this connection.
    private var expected = 0, received = 0
    private var awaited = false
    /// Frames in the report last sent.
    private var frames = 0
    private var sentAt = ContinuousClock.now
    private var timeout: Scheduled<Void>?
    private var paced: Scheduled<Void>?

    init(setup: UnitSetup<Script>, progress: UnitProgress, done: EventLoopPromise<Outcome>) {
        self.setup = setup
        self.progress = progress
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        write(setup.script.login(unit: setup.id, serial: progress.serial), context)
        context.flush()
        progress.serial &+= 1
        waitForReply(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        setup.stats.replyBytes.add(buffer.readableBytes, ordering: .relaxed)
        let bytes = Array(buffer.readableBytesView)
        switch phase {
        case .login:
            reply += bytes
            guard let accepted = setup.script.loginAccepted(reply) else { return waitForReply(context) }
            timeout?.cancel()
            guard accepted else {
                setup.stats.refused.add(1, ordering: .relaxed)
                return end(goOn: false, context)
            }
            setup.stats.loginsAcked.add(1, ordering: .relaxed)
            phase = .reporting
            answerer = setup.script.answerer(unit: setup.id)
            nextReport(context)
        case .reporting:
            received += hear(bytes, context)
            if received >= expected {
                timeout?.cancel()
                reportDone(context)
            } else {
                waitForReply(context)
            }
        case .finishing:
            waitForReply(context)
        case .ended:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        paced?.cancel()
        switch phase {
        case .login, .reporting:
            // The hub went away while the unit still had something to say: the unit gives up, as it
            // would on a failed write.
            setup.stats.failed.add(1, ordering: .relaxed)
            end(goOn: false, context)
        case .finishing:
            end(goOn: true, context)
        case .ended:
            break
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The reply being waited for did not come in time.
    private func timedOut(_ context: ChannelHandlerContext) {
        switch phase {
        case .login:
            setup.stats.failed.add(1, ordering: .relaxed)
            end(goOn: false, context)
            context.close(promise: nil)
        case .reporting:
            // Like a real unit, it stops waiting for those acks and goes on with its next report.
            reportDone(context)
        case .finishing:
            end(goOn: true, context)
            context.close(promise: nil)
        case .ended:
            break
        }
    }

    /// (Re)starts the wait for the next bytes from the hub: each read restarts it, as each read did.
    private func waitForReply(_ context: ChannelHandlerContext) {
        timeout?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: setup.ackTimeout) {
            let (handler, context) = loopBound.value
            handler.timedOut(context)
        }
    }

    /// Its next report now, or when the pacer says it is due.
    private func nextReport(_ context: ChannelHandlerContext) {
        let options = setup.options
        guard options.reports == 0 || progress.step < options.reports else { return finish(context) }
        let t = setup.phase + Double(progress.step) * options.interval
        if !progress.faults.inBurst(), let left = setup.pacer.delay(until: t) {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            paced = context.eventLoop.scheduleTask(in: TimeAmount(left)) {
                let (handler, context) = loopBound.value
                handler.sendReport(t, context)
            }
        } else {
            sendReport(t, context)
        }
    }

    private func sendReport(_ t: Double, _ context: ChannelHandlerContext) {
        guard phase == .reporting else { return }
        let options = setup.options, u = setup.index, step = progress.step, id = setup.id
        let p = setup.route.position(after: options.kmh / 3.6 * t + Double(u) * 150)
        let fix = Route.Fix(lat: p.lat, lon: p.lon, courseDeg: p.courseDeg.rounded(), speedKmh: options.kmh)
        let alarm = options.alarmRate > 0 && progress.rng.chance(options.alarmRate)
        let at = setup.pacer.date(t, skewS: setup.clockSkewS)
        let frames = setup.script.report(unit: id, step: step, at: at, position: fix, alarm: alarm, serial: progress.serial)
        progress.serial &+= UInt16(truncatingIfNeeded: frames.count)
        self.frames = frames.count
        setup.trace.record(["unit": id, "step": step, "at": Timestamp.format(at), "lat": fix.lat, "lon": fix.lon, "alarm": alarm])
        var bytes: [UInt8] = []
        for f in frames {
            let sent = progress.faults.apply(f)
            bytes += sent
            // A damaged frame draws no ack, a doubled one two; garbage in front is not counted.
            let copies = sent == f ? 1 : sent == f + f ? 2 : 0
            expected += copies * setup.script.replyBytes(for: f, unit: id)
        }
        awaited = expected > received
        sentAt = ContinuousClock.now
        write(bytes, context)
        context.flush()
        setup.stats.framesSent.add(frames.count, ordering: .relaxed)
        if alarm { setup.stats.alarms.add(1, ordering: .relaxed) }
        progress.step += 1
        if received < expected {
            waitForReply(context)
        } else {
            // Nothing to wait for (every frame damaged): go on from the event loop's next turn, so that a
            // run of such reports does not nest one call inside the other.
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.reportDone(context)
            }
        }
    }

    /// The acks of the last report came (or stopped being waited for).
    private func reportDone(_ context: ChannelHandlerContext) {
        guard phase == .reporting else { return }
        let doneAt = ContinuousClock.now
        if awaited, received >= expected {
            progress.timings.acks.append((at: (doneAt - setup.started).inSeconds, latency: (doneAt - sentAt).inSeconds))
        }
        progress.timings.reports.append((at: (doneAt - setup.started).inSeconds, frames: frames))
        if progress.faults.shouldDisconnect() { return finish(context) }
        nextReport(context)
    }

    /// Says it is done and reads until the hub closes: closing with its acks unread would reset the
    /// connection and throw away frames it has not read yet.
    private func finish(_ context: ChannelHandlerContext) {
        phase = .finishing
        context.close(mode: .output, promise: nil)
        waitForReply(context)
    }

    /// Hub replies: commands among them are answered as the unit would; only acks count.
    private func hear(_ r: [UInt8], _ context: ChannelHandlerContext) -> Int {
        guard var a = answerer else { return r.count }
        let heard = a.take(r)
        answerer = a
        for f in heard.send { write(f, context) }
        if !heard.send.isEmpty { context.flush() }
        expected += heard.moreAcks
        return heard.acks
    }

    private func write(_ bytes: [UInt8], _ context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    private func end(goOn: Bool, _ context: ChannelHandlerContext) {
        guard phase != .ended else { return }
        phase = .ended
        timeout?.cancel()
        paced?.cancel()
        done.succeed((goOn, progress))
    }
}
