import Foundation
import HubCorrelation
import HubModel
import HubTesting
import Synchronization
import Testing

@testable import HubIngest

/// How a correlation stage that is behind holds device batches: from its high-water mark until it
/// is back at its low-water mark, with nothing coming later overtaking what it holds, and the held
/// let go first come, first served.
struct StageMeterTests {
    /// Once past its high-water mark, a stage stays behind while it drains, until its low-water
    /// mark: a batch that comes in between waits behind those already held.
    @Test func aStageStaysBehindUntilItIsBackAtItsLowWaterMark() throws {
        let meter = StageMeter(stage: "transits", limits: StageLimits(highWater: 10, capacity: 100))
        #expect(meter.lowWater == 5)
        let first = try #require(meter.enter(8))
        #expect(!meter.isBehind, "8 queued, under the high-water mark of 10, and never past it")
        let second = try #require(meter.enter(4))
        #expect(meter.depth == 12 && meter.isBehind)
        meter.done(4, since: second)
        #expect(meter.depth == 8 && meter.isBehind, "between the marks after passing the high one: still behind")
        meter.done(3, since: first)
        #expect(meter.depth == 5 && !meter.isBehind, "back at the low-water mark")
        let third = try #require(meter.enter(3))
        #expect(meter.depth == 8 && !meter.isBehind, "filling up again from the low mark holds nothing until the high one")
        meter.done(3, since: third)
        meter.done(5, since: first)
        #expect(meter.depth == 0 && !meter.isBehind)
    }

    /// Held callers are woken in the order they took their tickets, whatever order they parked in.
    @Test func heldCallersAreWokenInTheOrderTheyCame() async throws {
        final class Waiters: Sendable { let m = Mutex(StageWaiters()) }
        let waiters = Waiters()
        let tickets = (0..<4).map { _ in waiters.m.withLock { $0.newID() } }
        var parked: [Task<Void, Never>] = []
        // Parked last ticket first: a dictionary's order, or the order of parking, would differ.
        for (n, id) in tickets.reversed().enumerated() {
            parked.append(Task {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    if waiters.m.withLock({ $0.park(id, c) }) { c.resume() }
                }
            })
            #expect(await eventually { waiters.m.withLock { $0.count } == n + 1 })
        }
        let woken = waiters.m.withLock { $0.wakeAll() }
        #expect(woken == tickets)
        for task in parked { await task.value }
        #expect(waiters.m.withLock { $0.count } == 0)
    }
}

/// Stored events waiting for a stage that takes them one by one anyway (the transit stage) are
/// folded into one take, in the order they were stored, up to the stage's bound; others are taken
/// batch by batch.
struct StoredEventsFoldingTests {
    static let ids = EventIDGenerator()

    static func fixes(_ seals: [String]) -> [InspectionEvent] {
        seals.map { seal in
            InspectionEvent(
                id: ids.next(at: Date()), kind: EventKind.gpsFix, device: DeviceRef(id: seal, profile: "ascii-eseal", family: "e-seal"),
                site: nil, lane: nil, observedAt: Date(), receivedAt: Date(), subject: Subject(seals: [seal]),
                data: ["lat": .double(10.8), "lon": .double(106.7)], severity: .info,
                raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
        }
    }

    @Test func waitingBatchesAreFoldedInOrderUpToTheBound() throws {
        var inbox = StageInbox<StoredEvents, Never, Never>()
        let at = ContinuousClock.now
        for seals in [["A", "B"], ["C", "D"], ["E"]] {
            inbox.add(StoredEvents(Self.fixes(seals), foldsUpTo: 4), count: seals.count, at: at)
        }
        guard case .work(let first, let n, _) = inbox.next() else { throw Unexpected() }
        #expect(n == 4 && first.events.map { $0.subject.seals?.first } == ["A", "B", "C", "D"])
        guard case .work(let second, let m, _) = inbox.next() else { throw Unexpected() }
        #expect(m == 1 && second.events.map { $0.subject.seals?.first } == ["E"], "a fifth would pass the bound of 4")
        #expect(inbox.next() == nil)
    }

    @Test func withoutABoundEachBatchIsTakenOnItsOwn() {
        var inbox = StageInbox<StoredEvents, Never, Never>()
        for seals in [["A"], ["B"], ["C"]] { inbox.add(StoredEvents(Self.fixes(seals)), count: 1, at: .now) }
        var taken = 0
        while case .work(let w, 1, _) = inbox.next() {
            #expect(w.events.count == 1)
            taken += 1
        }
        #expect(taken == 3)
    }

    struct Unexpected: Error {}
}
