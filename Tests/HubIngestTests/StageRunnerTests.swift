import Foundation
import HubCorrelation
import HubDevices
import HubIngest
import HubModel
import HubStore
import HubTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The generic stage runner with a stage of its own: it stores what the stage concludes through the
/// ingest sink (and hands it on to the observers again), holds device batches while the stage is
/// behind and lets them go once it catches up, concludes what is open at shutdown, and answers a
/// request once what the request concluded is stored.
@Suite(.timeLimit(.minutes(3)))
struct StageRunnerTests {
    /// Counts seal fixes and concludes one `transit.tally`-like event per three (or when asked, or
    /// at shutdown), naming the fixes it stands for. `hold` keeps it from finishing its work.
    struct TallyStage: CorrelationStage {
        enum Request: Sendable { case close }

        static let name = "tally"
        let ids: EventIDGenerator
        let hold: Hold
        var open: [String] = []

        static func work(from events: [InspectionEvent]) -> StoredEvents? {
            let fixes = events.filter { $0.kind == EventKind.gpsFix }
            return fixes.isEmpty ? nil : StoredEvents(fixes)
        }

        mutating func take(_ work: StoredEvents) async -> IngestBatch {
            await hold.pass()
            open += work.events.map(\.id)
            return open.count >= 3 ? conclude() : IngestBatch()
        }

        /// Concludes what is open at once; answers with the id of the event that says so (nil: nothing was).
        mutating func handle(_ request: Request) async -> (reply: String?, concluded: IngestBatch) {
            let batch = conclude()
            return (batch.events.first?.id, batch)
        }

        mutating func flush() async -> IngestBatch { conclude() }

        private mutating func conclude() -> IngestBatch {
            guard !open.isEmpty else { return IngestBatch() }
            defer { open = [] }
            let statement = Array("tally \(open.joined(separator: ","))\n".utf8)
            let now = Date()
            let record = RawRecord(
                sha256: ChainHash.hex(ChainHash.sha256(statement)), format: "test-tally", deviceID: Self.name,
                firstReceivedAt: now, receivedAt: now, frameCount: 1, bytes: statement)
            let event = InspectionEvent(
                id: ids.next(at: now), kind: EventKind.transitStop, device: DeviceRef(id: Self.name, profile: "tally", family: "test"),
                site: nil, lane: nil, observedAt: now, receivedAt: now, subject: Subject(seals: open),
                payload: TransitFindingPayload(finding: "stop", detail: "\(open.count) fixes").payload, severity: .info, raw: record.ref)
            return IngestBatch(records: [record], events: [event])
        }
    }

    /// Holds the stage's work while closed.
    final class Hold: Sendable {
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((true, []))

        init(open: Bool) { state.withLock { $0.open = open } }

        func pass() async {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.open { return true }
                    s.waiting.append(c)
                    return false
                }
                if now { c.resume() }
            }
        }

        /// Work waiting to pass.
        var waiting: Int { state.withLock { $0.waiting.count } }

        func release() {
            for c in state.withLock({ s -> [CheckedContinuation<Void, Never>] in
                s.open = true
                defer { s.waiting = [] }
                return s.waiting
            }) { c.resume() }
        }
    }

    /// Takes event ids as work that folds (as the risk stage's does) and notes each step's ids in
    /// what it shares.
    struct FoldingStage: CorrelationStage {
        struct IDs: StageWork {
            var ids: Set<String>
            var count: Int

            mutating func absorb(_ later: IDs) -> Bool {
                ids.formUnion(later.ids)
                count += later.count
                return true
            }
        }

        final class Steps: Sendable {
            let taken = Mutex<[Set<String>]>([])
        }

        static let name = "folding"
        let hold: Hold
        let shared = Steps()

        static func work(from events: [InspectionEvent]) -> IDs? {
            events.isEmpty ? nil : IDs(ids: Set(events.map(\.id)), count: events.count)
        }

        mutating func take(_ work: IDs) async -> IngestBatch {
            await hold.pass()
            shared.taken.withLock { $0.append(work.ids) }
            return IngestBatch()
        }
    }

    /// Work that arrives while the stage is busy folds into one step, counted whole in the queue
    /// depth until that step is done.
    @Test func workThatFoldsIsTakenInOneStep() async throws {
        let hold = Hold(open: false)
        let runner = StageRunner(FoldingStage(hold: hold))
        let group = ServiceGroup(configuration: .init(services: [runner], logger: StageQueueTests.logger))
        let running = Task { try await group.run() }
        runner.enqueue(.init(ids: ["a"], count: 1))
        #expect(await eventually { hold.waiting == 1 }, "the first work is taken, and held")
        runner.enqueue(.init(ids: ["b", "c"], count: 2))
        runner.enqueue(.init(ids: ["c", "d"], count: 2))
        #expect(runner.meter.depth == 5)
        hold.release()
        #expect(await eventually { runner.meter.depth == 0 })
        #expect(runner.shared.taken.withLock { $0 } == [["a"], ["b", "c", "d"]], "what waited was taken in one step")
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Every event the sink's observers saw, in order.
    final class Seen: Sendable {
        private let events = Mutex<[InspectionEvent]>([])
        func add(_ e: [InspectionEvent]) { events.withLock { $0 += e } }
        var tallies: [InspectionEvent] { events.withLock { $0.filter { $0.device.id == TallyStage.name } } }
    }

    /// A running hub in small: a store, a sink feeding the runner, and the runner's results stored.
    struct Rig {
        let store: SQLiteEventStore
        let runner: StageRunner<TallyStage>
        let sink: IngestSink
        let seen: Seen
        let group: ServiceGroup
        let running: Task<Void, any Error>

        init(_ dir: TemporaryDirectory, hold: Hold = Hold(open: true), limits: StageLimits = StageLimits()) throws {
            store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
            let runner = StageRunner(TallyStage(ids: StageQueueTests.ids, hold: hold), limits: limits)
            let seen = Seen()
            sink = IngestSink(
                store: store, registry: DeviceRegistry(devices: []), ids: StageQueueTests.ids,
                observers: [{ seen.add($0) }, { runner.observe($0) }], stages: [runner.meter], maxHold: .seconds(120),
                logger: StageQueueTests.logger)
            // The results part first, so it stops after the runner and stores its last results.
            let group = ServiceGroup(configuration: .init(
                services: [StageResults(sink: sink, results: [runner.results]), runner], logger: StageQueueTests.logger))
            running = Task { try await group.run() }
            self.runner = runner
            self.seen = seen
            self.group = group
        }

        func deliver(_ count: Int, tag: String) async -> Bool {
            await sink.deliver(deviceID: "seals", batch: StageQueueTests.deviceBatch(count, tag: tag), counted: DecodeCounters())
        }

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await running.value
        }
    }

    @Test func whatTheStageConcludesIsStoredAndObserved() async throws {
        let rig = try Rig(TemporaryDirectory("runner-results"))
        #expect(await rig.deliver(2, tag: "a"))
        #expect(await rig.deliver(1, tag: "b"))
        #expect(await eventually { rig.seen.tallies.count == 1 }, "three fixes make one tally, which the observers see")
        let tally = try #require(rig.seen.tallies.first)
        #expect(tally.subject.seals?.count == 3)
        #expect(try await rig.store.event(id: tally.id)?.id == tally.id, "stored before the observers saw it")
        #expect(rig.runner.meter.depth == 0)
        try await rig.stop()
    }

    /// While the stage is past its high-water mark a device's batch waits; once the stage drains
    /// to half the mark the batch is stored.
    @Test func ingestWaitsForABusyStageAndGoesOnWhenItDrains() async throws {
        let hold = Hold(open: false)
        let rig = try Rig(TemporaryDirectory("runner-hold"), hold: hold, limits: StageLimits(highWater: 2, capacity: 100))
        #expect(await rig.deliver(3, tag: "a"))
        #expect(rig.runner.meter.isBehind, "three fixes wait: the stage is held")
        let held = Task { await rig.deliver(1, tag: "b") }
        #expect(await eventually { rig.sink.heldBatches == 1 && rig.runner.meter.waiting == 1 }, "the second batch is held")
        #expect(try await rig.store.counts().events == 3, "the held batch is not stored")
        hold.release()
        #expect(await held.value, "stored once the stage drained")
        #expect(rig.sink.heldBatches == 0)
        #expect(await eventually { rig.seen.tallies.count == 1 && rig.runner.meter.depth == 0 })
        #expect(try await rig.store.counts().events == 5, "3 + 1 fixes and the tally")
        try await rig.stop()
    }

    /// At shutdown what is open is concluded and stored before the runner's results part stops.
    @Test func shutdownConcludesWhatIsOpen() async throws {
        let rig = try Rig(TemporaryDirectory("runner-flush"))
        #expect(await rig.deliver(2, tag: "a"))
        #expect(await eventually { rig.runner.meter.depth == 0 }, "the stage took both fixes")
        #expect(rig.seen.tallies.isEmpty)
        try await rig.stop()
        let tally = try #require(rig.seen.tallies.first, "the flush concluded the two open fixes")
        #expect(tally.subject.seals?.count == 2)
        #expect(try await rig.store.event(id: tally.id) != nil)
    }

    /// A request is answered in turn with the work before it, once what it concluded is stored; a
    /// runner that has stopped answers nil.
    @Test func aRequestIsAnsweredOnceWhatItConcludedIsStored() async throws {
        let rig = try Rig(TemporaryDirectory("runner-request"))
        #expect(await rig.deliver(1, tag: "a"))
        let answer = await rig.runner.request(.close)
        let id = try #require(answer ?? nil, "the request came after the fix, so it closed it")
        #expect(try await rig.store.event(id: id)?.subject.seals?.count == 1, "stored before the answer")
        #expect(await rig.runner.request(.close) == .some(nil), "nothing open: nothing concluded")
        try await rig.stop()
        #expect(await rig.runner.request(.close) == nil, "a stopped runner answers nil")
    }
}
