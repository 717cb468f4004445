import HubModel
import Metrics
import Synchronization

/// How far one correlation stage (passages, transits, risk) is behind: events handed to it and not
/// yet dealt with (its queue depth), and for each one the time from its storage to the stage's
/// result being stored (`niihub_correlation_seconds{stage}`, a histogram).
///
/// It also bounds the stage's memory. Past `highWater` queued events the ingest sink holds device
/// batches back (`IngestSink` waits, so devices wait for their acks); past `capacity` the stage
/// takes no more and counts what it turned away (`niihub_stage_dropped_total{stage}`): those
/// events are stored, only this stage's work on them is skipped.
public final class StageMeter: Sendable {
    public let stage: String
    /// Queued events past which ingest waits for the stage.
    public let highWater: Int
    /// Queued events past which the stage turns batches away.
    public let capacity: Int
    /// Queued events at or under which the held batches are let go (half the high-water mark): the
    /// stage must drain a good part of its queue first, so a fleet of held devices is woken once per
    /// drain, not once per event the stage finishes.
    public var lowWater: Int { highWater / 2 }
    private let pending = Atomic<Int>(0)
    /// Set once the depth passed `highWater`, cleared once it is back at `lowWater`: in between,
    /// batches that come later wait behind the held ones instead of overtaking them.
    private let holding = Atomic<Bool>(false)
    private let droppedCount = Atomic<Int>(0)
    private let timer: Timer
    private let dropped: Counter
    /// What waits for the stage to come back under `highWater` (`waitUntilCaughtUp`).
    private let waiters = Mutex(StageWaiters())

    public init(stage: String, limits: StageLimits = StageLimits()) {
        precondition(limits.highWater <= limits.capacity, "a stage must slow ingest before it drops")
        self.stage = stage
        highWater = limits.highWater
        capacity = limits.capacity
        timer = Timer(label: "niihub_correlation_seconds", dimensions: [("stage", stage)])
        dropped = Counter(label: "niihub_stage_dropped_total", dimensions: [("stage", stage)])
    }

    /// Takes `count` events into the queue and returns the instant to hand back to `done`, or nil
    /// when the queue is full and the batch must not be queued (`always` work is taken regardless).
    func enter(_ count: Int, always: Bool = false) -> ContinuousClock.Instant? {
        let now = pending.add(count, ordering: .relaxed).newValue
        guard now <= capacity || now == count || always else {
            // Over capacity: undo, count the drop. A single batch larger than the capacity on an
            // empty queue is still taken, so the stage never refuses everything.
            pending.subtract(count, ordering: .relaxed)
            droppedCount.add(count, ordering: .relaxed)
            dropped.increment(by: count)
            return nil
        }
        return .now
    }

    /// `count` events queued at `since` are dealt with.
    func done(_ count: Int, since: ContinuousClock.Instant) {
        let left = pending.subtract(count, ordering: .relaxed).newValue
        if left <= lowWater {
            holding.store(false, ordering: .relaxed)
            waiters.withLock { $0.wakeAll() }
        }
        let elapsed = ContinuousClock.now - since
        let ns = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        for _ in 0..<count { timer.recordNanoseconds(ns) }
    }

    /// Events waiting for the stage.
    public var depth: Int { pending.load(ordering: .relaxed) }

    /// Whether ingest should wait before handing the stage more: past the high-water mark, and
    /// after that until the stage is back at its low-water mark.
    ///
    /// Held batches are let go only at the low-water mark. Were a batch that comes while the depth
    /// is between the marks let through, it would overtake every held one: the held devices would
    /// wait out the drain while later ones went on. A depth seen under the low-water mark is never
    /// behind, so a `holding` set late (a depth read before the drain) holds no one for long: the
    /// next `done` clears it.
    public var isBehind: Bool {
        let d = depth
        if d > highWater {
            if !holding.load(ordering: .relaxed) { holding.store(true, ordering: .relaxed) }
            return true
        }
        return d > lowWater && holding.load(ordering: .relaxed)
    }

    /// Returns once the stage has drained to its low-water mark, or after `atMost`.
    ///
    /// The waiter sleeps until `done` wakes it: many devices held at once cost nothing while they
    /// wait (polling them would cost work in proportion to the number of connected units for every
    /// event the stage finishes).
    public func waitUntilCaughtUp(atMost: Duration) async {
        let id = waiters.withLock { $0.newID() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    // The depth is read under the lock `done` wakes under, so a drain between the
                    // caller's check and this registration is never missed.
                    let resumeNow = self.waiters.withLock { w in
                        self.isBehind ? w.park(id, c) : true
                    }
                    if resumeNow { c.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: atMost)
                self.waiters.withLock { $0.release(id) }
            }
            await group.next()
            group.cancelAll()
        }
        // Both tasks are over: whatever marker the ticket left goes.
        waiters.withLock { $0.forget(id) }
    }

    /// Callers of `waitUntilCaughtUp` asleep now (and tickets not yet cleared).
    public var waiting: Int { waiters.withLock { $0.count } }

    /// Events this stage turned away since the start.
    public var droppedTotal: Int { droppedCount.load(ordering: .relaxed) }
}

/// How many queued events a correlation stage holds before ingest waits for it (`highWater`) and
/// before it turns batches away (`capacity`). An event waiting costs about 1–2 KB.
public struct StageLimits: Sendable, Equatable {
    public var highWater: Int
    public var capacity: Int

    public init(highWater: Int = 10_000, capacity: Int = 100_000) {
        self.highWater = highWater
        self.capacity = capacity
    }
}

/// The callers of `waitUntilCaughtUp` asleep, by ticket. A ticket released before its caller
/// parked (the time limit came first) is remembered, so the caller does not park after it.
struct StageWaiters {
    private enum Slot {
        case parked(CheckedContinuation<Void, Never>)
        case released
    }

    private var next = 0
    private var slots: [Int: Slot] = [:]

    mutating func newID() -> Int {
        next += 1
        return next
    }

    /// Parks `c` under `id`; returns true when `id` was already released (resume at once).
    mutating func park(_ id: Int, _ c: CheckedContinuation<Void, Never>) -> Bool {
        if case .released = slots[id] {
            slots[id] = nil
            return true
        }
        slots[id] = .parked(c)
        return false
    }

    /// Wakes `id`'s caller, or marks it released if it has not parked yet.
    mutating func release(_ id: Int) {
        switch slots[id] {
        case .parked(let c):
            slots[id] = nil
            c.resume()
        case .released:
            slots[id] = nil
        case nil:
            slots[id] = .released
        }
    }

    mutating func forget(_ id: Int) { slots[id] = nil }

    var count: Int { slots.count }

    /// Wakes every parked caller, in the order they came (tickets are numbered as taken), so the
    /// held batches go on first come, first served; returns the tickets woken, in that order.
    @discardableResult
    mutating func wakeAll() -> [Int] {
        guard !slots.isEmpty else { return [] }
        var parked: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
        for (id, slot) in slots { if case .parked(let c) = slot { parked.append((id, c)) } }
        parked.sort { $0.id < $1.id }
        for p in parked { slots[p.id] = nil; p.continuation.resume() }
        return parked.map(\.id)
    }
}

/// Stored events waiting for a stage, and when they were handed over.
struct QueuedEvents: Sendable {
    var events: [InspectionEvent]
    var at: ContinuousClock.Instant
}
