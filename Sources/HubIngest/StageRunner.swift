import Foundation
import HubCorrelation
import HubModel
import ServiceLifecycle
import Synchronization

/// Runs one correlation stage as a `Service`: it queues the stored events the stage wants (bounded
/// and measured by its `StageMeter`, which makes ingest wait while the stage is behind), calls the
/// stage with its work, its ticks and operators' requests one at a time in the order they came, and
/// hands what the stage concludes to `results`. Each result is stored (`StageResults` writes it
/// through the ingest sink) before the stage goes on, so a stage's queue counts its work until the
/// events it concluded from it are stored, and an operator's answer comes once they are.
///
/// At start the stage rebuilds what it had (passages reopen from the store); at shutdown it stops
/// taking work and concludes what is still open.
///
/// With a `lease` (hubs sharing a PostgreSQL store), the stage runs only while this hub holds it:
/// each time the lease is taken the stage starts afresh from the store, as after a restart; when it
/// is lost the stage is dropped at once, without concluding (the new owner does), and what waited
/// for it is let go. Its results carry the lease's fence, so none is stored once another holds it.
public final class StageRunner<Stage: CorrelationStage>: Service, Sendable {
    /// Queue depth, latency and the high-water mark of this stage.
    public let meter: StageMeter
    /// What the stage shares while it runs (see `CorrelationStage.Shared`).
    public let shared: Stage.Shared
    /// What the stage concludes, in order; ends when the runner stops.
    public let results: AsyncStream<StageResult>
    private let output: AsyncStream<StageResult>.Continuation
    private let inbox = Mutex(StageInbox<Stage.Work, Stage.Request, Stage.Reply>())
    /// Wakes the runner when the inbox gains something (one signal stands for any number of items).
    /// The running tenure's wake-ups: a stream per tenure, since a cancelled wait ends its stream.
    private let wakeInput = Mutex<AsyncStream<Void>.Continuation?>(nil)
    /// The stage as built: each tenure of the lease starts from a copy of it.
    private let initial: Stage
    private let tickInterval: Duration?
    /// The lease's holder over time (nil: not held), current value first; nil when no lease is needed.
    private let lease: (@Sendable () -> AsyncStream<Fence?>)?
    private let started = Atomic<Bool>(false)

    public init(_ stage: Stage, limits: StageLimits = StageLimits(), lease: (@Sendable () -> AsyncStream<Fence?>)? = nil) {
        meter = StageMeter(stage: Stage.name, limits: limits)
        shared = stage.shared
        tickInterval = stage.tickInterval
        initial = stage
        self.lease = lease
        (results, output) = AsyncStream.makeStream(of: StageResult.self, bufferingPolicy: .unbounded)
    }

    /// An `IngestSink` observer: what of the stored events the stage wants waits for it.
    public func observe(_ events: [InspectionEvent]) {
        guard let work = Stage.work(from: events) else { return }
        enqueue(work)
    }

    /// Whether the stage is running: always once started without a lease; with one, while it is held.
    public var running: Bool { wakeInput.withLock { $0 != nil } }

    /// A `StoreTail` feed: what of the stored events the stage wants is always taken (the tail
    /// waits while the stage is behind instead of having work turned away).
    public func take(_ events: [InspectionEvent]) {
        guard let work = Stage.work(from: events) else { return }
        enqueue(work, always: true)
    }

    /// Queues work. The meter bounds what waits: a full stage turns it away and counts it, unless
    /// it is `always` taken (a declaration's change). A stage that needs a lease takes none while
    /// it does not hold it: the lease's holder does that work, and a stage that takes the lease
    /// later starts from the store.
    public func enqueue(_ work: Stage.Work, always: Bool = false) {
        guard lease == nil || wakeInput.withLock({ $0 != nil }) else { return }
        guard work.count > 0, let at = meter.enter(work.count, always: always) else { return }
        inbox.withLock { $0.add(work, count: work.count, at: at) }
        wakeUp()
    }

    /// Asks the stage and returns its answer once what it concluded is stored; nil when the runner
    /// has stopped (or stops before the request's turn).
    public func request(_ request: Stage.Request) async -> Stage.Reply? {
        await withCheckedContinuation { (c: CheckedContinuation<Stage.Reply?, Never>) in
            // Asked of a hub that does not hold the stage's lease: no answer here.
            let running = lease == nil || wakeInput.withLock { $0 != nil }
            let taken = running && inbox.withLock { $0.ask(request) { c.resume(returning: $0) } }
            if taken { wakeUp() } else { c.resume(returning: nil) }
        }
    }

    public func run() async throws {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        defer {
            // Requests not answered now never will be.
            for reply in inbox.withLock({ $0.stop() }) { reply(nil) }
            output.finish()
        }
        guard let lease else {
            // Cancelled at graceful shutdown: the stage stops taking work (what still waits is skipped)…
            var stage = await cancelWhenGracefulShutdown { await self.tenure(fence: nil) }
            // …and concludes what is open, outside the cancelled task.
            await emit(await stage.flush(), fence: nil)
            return
        }
        let held = await cancelWhenGracefulShutdown { await self.tenures(lease) }
        // Stopping while the lease is held: what is open is concluded, under the lease.
        if let held {
            var stage = held.stage
            await emit(await stage.flush(), fence: held.fence)
        }
    }

    /// Runs a tenure each time the lease is taken, until cancelled (shutdown): then the stage of
    /// the tenure under way, with its fence, or nil when the lease was not held.
    private func tenures(_ lease: @escaping @Sendable () -> AsyncStream<Fence?>) async -> (stage: Stage, fence: Fence)? {
        while !Task.isCancelled {
            var fence: Fence?
            for await f in lease() where f != nil {
                fence = f
                break
            }
            guard let fence, !Task.isCancelled else { return nil }
            let end = await withTaskGroup(of: TenureEnd.self) { group in
                group.addTask { .stopped(await self.tenure(fence: fence)) }
                group.addTask {
                    for await f in lease() where f != fence { return .lost }
                    return .lost
                }
                let first = await group.next()!
                group.cancelAll()
                if case .stopped = first { return first }
                // At shutdown both end at once and the watcher may come first: the stage as it
                // stands is still wanted, to conclude it under the lease.
                if Task.isCancelled {
                    for await end in group { if case .stopped = end { return end } }
                }
                return TenureEnd.lost
            }
            switch end {
            case .stopped(let stage):
                // Cancelled from outside (shutdown) while held: the caller concludes it.
                if Task.isCancelled { return (stage, fence) }
            case .lost:
                // Another hub takes over from the store: what waited here is not this hub's any more.
                let (work, replies) = inbox.withLock { $0.clear() }
                for (count, at) in work { meter.done(count, since: at) }
                for reply in replies { reply(nil) }
            }
        }
        return nil
    }

    /// How a tenure ended: stopped from outside (with the stage as it stands), or its lease lost.
    private enum TenureEnd: Sendable {
        case stopped(Stage)
        case lost
    }

    /// Starts a stage from the store and takes its work until cancelled; returns it as it stands.
    private func tenure(fence: Fence?) async -> Stage {
        var stage = initial
        let interval = tickInterval
        let (wakes, input) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeInput.withLock { $0 = input }
        defer { wakeInput.withLock { $0 = nil } }
        // Work may have come before the tenure did.
        input.yield()
        let start = await stage.start()
        await emit(start.concluded, fence: fence)
        if let queued = start.queued { enqueue(queued, always: true) }
        await withDiscardingTaskGroup { group in
            if let interval {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        if self.inbox.withLock({ $0.tick() }) { self.wakeUp() }
                    }
                }
            }
            for await _ in wakes {
                while !Task.isCancelled, let next = self.inbox.withLock({ $0.next() }) {
                    await self.take(next, into: &stage, fence: fence)
                }
            }
            group.cancelAll()
        }
        return stage
    }

    private func take(_ entry: StageInbox<Stage.Work, Stage.Request, Stage.Reply>.Entry, into stage: inout Stage, fence: Fence?) async {
        switch entry {
        case .work(let work, let count, let at):
            await emit(await stage.take(work), fence: fence)
            meter.done(count, since: at)
        case .tick:
            await emit(await stage.tick(now: Date()), fence: fence)
        case .request(let request, let reply):
            let (answer, concluded) = await stage.handle(request)
            await emit(concluded, fence: fence)
            reply(answer)
        }
    }

    private func wakeUp() { wakeInput.withLock { $0 }?.yield() }

    /// Hands `batch` on (under `fence`, when the stage holds a lease) and returns once it is stored
    /// (or given up).
    private func emit(_ batch: IngestBatch, fence: Fence?) async {
        guard !batch.isEmpty else { return }
        var batch = batch
        if let fence { batch.fences = [fence] }
        _ = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let result = StageResult(stage: Stage.name, batch: batch) { c.resume(returning: $0) }
            if case .terminated = output.yield(result) { result.stored(false) }
        }
    }
}

/// What waits for a stage: work (adjacent work folded when the stage's work absorbs it), ticks
/// (one waiting at most) and requests, in arrival order.
struct StageInbox<Work: StageWork, Request: Sendable, Reply: Sendable> {
    enum Entry {
        case work(Work, count: Int, at: ContinuousClock.Instant)
        case tick
        case request(Request, reply: @Sendable (Reply?) -> Void)
    }

    private var entries: [Entry] = []
    /// Entries before this index are taken (removed in bulk, not one at a time).
    private var head = 0
    private var stopped = false

    mutating func add(_ work: Work, count: Int, at: ContinuousClock.Instant) {
        if head < entries.count, case .work(var last, let n, let since) = entries[entries.count - 1] {
            // Taken out while it changes, so folding does not copy it.
            entries[entries.count - 1] = .tick
            let folded = last.absorb(work)
            entries[entries.count - 1] = .work(last, count: folded ? n + count : n, at: since)
            if folded { return }
        }
        entries.append(.work(work, count: count, at: at))
    }

    /// Queues a tick unless one already waits last; true when one was queued.
    mutating func tick() -> Bool {
        if head < entries.count, case .tick = entries[entries.count - 1] { return false }
        entries.append(.tick)
        return true
    }

    /// Queues a request; false once the runner has stopped.
    mutating func ask(_ request: Request, reply: @escaping @Sendable (Reply?) -> Void) -> Bool {
        guard !stopped else { return false }
        entries.append(.request(request, reply: reply))
        return true
    }

    mutating func next() -> Entry? {
        guard head < entries.count else { return nil }
        let e = entries[head]
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1_024 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return e
    }

    /// Lets go of everything waiting (the stage lost its lease): the work's counts and arrival
    /// times, for the meter, and the replies of requests, which get none.
    mutating func clear() -> (work: [(Int, ContinuousClock.Instant)], replies: [@Sendable (Reply?) -> Void]) {
        var work: [(Int, ContinuousClock.Instant)] = []
        var replies: [@Sendable (Reply?) -> Void] = []
        for e in entries[head...] {
            switch e {
            case .work(_, let count, let at): work.append((count, at))
            case .request(_, let reply): replies.append(reply)
            case .tick: break
            }
        }
        entries.removeAll()
        head = 0
        return (work, replies)
    }

    /// Takes no more requests; returns the replies of those still waiting.
    mutating func stop() -> [@Sendable (Reply?) -> Void] {
        stopped = true
        var replies: [@Sendable (Reply?) -> Void] = []
        for case .request(_, let reply) in entries[head...] { replies.append(reply) }
        entries.removeAll()
        head = 0
        return replies
    }
}
