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
    private let wake: AsyncStream<Void>
    private let wakeInput: AsyncStream<Void>.Continuation
    /// The stage, until `run` takes it.
    private let initial: Mutex<Stage?>
    private let tickInterval: Duration?

    public init(_ stage: Stage, limits: StageLimits = StageLimits()) {
        meter = StageMeter(stage: Stage.name, limits: limits)
        shared = stage.shared
        tickInterval = stage.tickInterval
        initial = Mutex(stage)
        (results, output) = AsyncStream.makeStream(of: StageResult.self, bufferingPolicy: .unbounded)
        (wake, wakeInput) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// An `IngestSink` observer: what of the stored events the stage wants waits for it.
    public func observe(_ events: [InspectionEvent]) {
        guard let work = Stage.work(from: events) else { return }
        enqueue(work)
    }

    /// Queues work. The meter bounds what waits: a full stage turns it away and counts it, unless
    /// it is `always` taken (a declaration's change).
    public func enqueue(_ work: Stage.Work, always: Bool = false) {
        guard work.count > 0, let at = meter.enter(work.count, always: always) else { return }
        inbox.withLock { $0.add(work, count: work.count, at: at) }
        wakeInput.yield()
    }

    /// Asks the stage and returns its answer once what it concluded is stored; nil when the runner
    /// has stopped (or stops before the request's turn).
    public func request(_ request: Stage.Request) async -> Stage.Reply? {
        await withCheckedContinuation { (c: CheckedContinuation<Stage.Reply?, Never>) in
            let taken = inbox.withLock { $0.ask(request) { c.resume(returning: $0) } }
            if taken { wakeInput.yield() } else { c.resume(returning: nil) }
        }
    }

    public func run() async throws {
        guard let first = initial.withLock({ s -> Stage? in
            defer { s = nil }
            return s
        }) else { return }
        defer {
            // Requests not answered now never will be.
            for reply in inbox.withLock({ $0.stop() }) { reply(nil) }
            output.finish()
        }
        let interval = tickInterval
        // Cancelled at graceful shutdown: the stage stops taking work (what still waits is skipped)…
        var stage = await cancelWhenGracefulShutdown {
            var stage = first
            let start = await stage.start()
            await self.emit(start.concluded)
            if let queued = start.queued { self.enqueue(queued, always: true) }
            await withDiscardingTaskGroup { group in
                if let interval {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: interval)
                            if self.inbox.withLock({ $0.tick() }) { self.wakeInput.yield() }
                        }
                    }
                }
                for await _ in self.wake {
                    while !Task.isCancelled, let next = self.inbox.withLock({ $0.next() }) {
                        await self.take(next, into: &stage)
                    }
                }
                group.cancelAll()
            }
            return stage
        }
        // …and concludes what is open, outside the cancelled task.
        await emit(await stage.flush())
    }

    private func take(_ entry: StageInbox<Stage.Work, Stage.Request, Stage.Reply>.Entry, into stage: inout Stage) async {
        switch entry {
        case .work(let work, let count, let at):
            await emit(await stage.take(work))
            meter.done(count, since: at)
        case .tick:
            await emit(await stage.tick(now: Date()))
        case .request(let request, let reply):
            let (answer, concluded) = await stage.handle(request)
            await emit(concluded)
            reply(answer)
        }
    }

    /// Hands `batch` on and returns once it is stored (or given up).
    private func emit(_ batch: IngestBatch) async {
        guard !batch.isEmpty else { return }
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
