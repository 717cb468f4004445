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

#if PostgreSQL
import HubStorePostgres
#endif

/// Leases (issue 20, T5): work one hub at a time must do among those sharing a PostgreSQL store.
/// One owner at a time, a hand-over that raises the epoch, results fenced by it; and a stage that
/// starts from the store when its lease is taken and is dropped when it is lost.
@Suite(.timeLimit(.minutes(3)))
struct LeaseTests {
    /// A stage that counts its starts and concludes one event per piece of work.
    struct CountingStage: CorrelationStage {
        final class Starts: Sendable { let count = Atomic<Int>(0) }
        static let name = "counting"
        let shared = Starts()
        let ids = EventIDGenerator()

        static func work(from events: [InspectionEvent]) -> StoredEvents? { events.isEmpty ? nil : StoredEvents(events) }

        mutating func start() async -> StageStart<StoredEvents> {
            shared.count.add(1, ordering: .relaxed)
            return StageStart()
        }

        mutating func take(_ work: StoredEvents) async -> IngestBatch {
            IngestBatch(events: work.events.map { e in
                var c = e
                c.id = ids.next(at: Date())
                // Which piece of work it concluded from.
                c.subject = Subject(declaration: e.id)
                return c
            })
        }
    }

    static func event(_ n: Int) -> InspectionEvent {
        let now = Date()
        return InspectionEvent(
            id: "E\(n)", kind: EventKind.gpsFix, device: DeviceRef(id: "d", profile: "p", family: "f"), site: nil, lane: nil,
            observedAt: now, receivedAt: now, data: ["n": .int(Int64(n))], severity: .info,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
    }

    /// The lease as the runner sees it, set by the test.
    final class TestLease: Sendable {
        let holder = Mutex<(fence: Fence?, watchers: [AsyncStream<Fence?>.Continuation])>((nil, []))
        func set(_ f: Fence?) { for w in holder.withLock({ h in h.fence = f; return h.watchers }) { w.yield(f) } }
        func changes() -> AsyncStream<Fence?> {
            let (s, c) = AsyncStream.makeStream(of: Fence?.self, bufferingPolicy: .bufferingNewest(1))
            holder.withLock { h in
                c.yield(h.fence)
                h.watchers.append(c)
            }
            return s
        }
    }

    @Test func aStageRunsOnlyWhileItsLeaseIsHeldAndStartsAfreshEachTime() async throws {
        let lease = TestLease()
        let runner = StageRunner(CountingStage(), lease: { lease.changes() })
        let group = ServiceGroup(configuration: .init(services: [runner], logger: StageQueueTests.logger))
        let running = Task { try await group.run() }
        let concluded = Mutex<[IngestBatch]>([])
        let reader = Task {
            for await r in runner.results {
                concluded.withLock { $0.append(r.batch) }
                r.stored(true)
            }
        }
        // Not held: work is not this hub's, and nothing starts.
        #expect(!runner.running)
        runner.enqueue(StoredEvents([Self.event(1)]))
        #expect(runner.meter.depth == 0, "turned away while the lease is elsewhere")
        #expect(runner.shared.count.load(ordering: .relaxed) == 0)

        let first = Fence(lease: "correlation/t", owner: "a", epoch: 1)
        lease.set(first)
        #expect(await eventually { runner.shared.count.load(ordering: .relaxed) == 1 }, "started when taken")
        runner.enqueue(StoredEvents([Self.event(2)]))
        #expect(await eventually { concluded.withLock { $0.count } == 1 })
        #expect(concluded.withLock { $0[0].fences } == [first], "results carry the lease's fence")

        #expect(runner.running)
        lease.set(nil)
        // Lost: once the runner has let the stage go, work is turned away again.
        #expect(await eventually { !runner.running })
        runner.enqueue(StoredEvents([Self.event(3)]))
        #expect(runner.meter.depth == 0 && concluded.withLock { $0.count } == 1)
        let second = Fence(lease: "correlation/t", owner: "a", epoch: 3)
        lease.set(second)
        #expect(await eventually { runner.shared.count.load(ordering: .relaxed) == 2 }, "started afresh when taken again")
        runner.enqueue(StoredEvents([Self.event(4)]))
        #expect(await eventually { concluded.withLock { $0.count } == 2 })
        #expect(concluded.withLock { $0[1].fences } == [second])
        #expect(concluded.withLock { $0.map { $0.events.first?.subject.declaration } } == ["E2", "E4"])
        await group.triggerGracefulShutdown()
        try await running.value
        await reader.value
    }

    #if PostgreSQL
    static let logger = Logger(label: "lease-test")

    static func batch(_ device: String, _ n: Int, fence: Fence? = nil) -> IngestBatch {
        var b = PostgresFailoverTests.batch(device, n)
        if let fence { b.fences = [fence] }
        return b
    }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func oneOwnerAtATimeAndAHandOverRaisesTheEpoch() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        defer { Task { await store.close() } }
        #expect(store.sharesLeases)
        #expect(try await store.acquireOrRenew("correlation/x", owner: "a", ttl: .seconds(30)) == 1)
        #expect(try await store.acquireOrRenew("correlation/x", owner: "b", ttl: .seconds(30)) == nil, "held by a")
        #expect(try await store.acquireOrRenew("correlation/x", owner: "a", ttl: .seconds(30)) == 1, "renewed at its epoch")
        #expect(try await store.acquireOrRenew("correlation/y", owner: "b", ttl: .seconds(30)) == 1, "another lease is its own")
        try await store.release("correlation/x", owner: "b")
        #expect(try await store.acquireOrRenew("correlation/x", owner: "b", ttl: .seconds(1)) == nil, "b cannot give back a's lease")
        try await store.release("correlation/x", owner: "a")
        #expect(try await store.acquireOrRenew("correlation/x", owner: "b", ttl: .seconds(1)) == 2, "given back: taken at once, epoch up")
        // b stops renewing: a takes it once it expires, by the database's clock.
        var epoch: Int64?
        #expect(await eventually(timeout: .seconds(10)) {
            epoch = try? await store.acquireOrRenew("correlation/x", owner: "a", ttl: .seconds(30))
            return epoch != nil
        })
        #expect(epoch == 3)
    }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func resultsOfALostLeaseAreRefusedAndTheDeviceBatchesBesideThemStored() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        defer { Task { await store.close() } }
        let stale = Fence(lease: "correlation/x", owner: "a", epoch: 1)
        #expect(try await store.acquireOrRenew("correlation/x", owner: "a", ttl: .seconds(30)) == 1)
        try await store.append(Self.batch("stage", 0, fence: stale))
        try await store.release("correlation/x", owner: "a")
        #expect(try await store.acquireOrRenew("correlation/x", owner: "b", ttl: .seconds(30)) == 2)
        await #expect(throws: Fenced.self) { try await store.append(Self.batch("stage", 1, fence: stale)) }

        // Through the sink: device batches and the stale stage batch committed together; only the
        // stage's is refused, and at once (not retried as a failing store would be).
        let sink = IngestSink(
            store: store, registry: DeviceRegistry(devices: []), ids: EventIDGenerator(), logger: Self.logger)
        let outcomes = await withTaskGroup(of: (String, Bool).self) { g in
            for n in 0..<20 { g.addTask { ("device", await sink.deliver(deviceID: "d", batch: Self.batch("d", n), counted: DecodeCounters())) } }
            g.addTask {
                ("stage", await sink.deliver(deviceID: "stage", batch: Self.batch("stage", 2, fence: stale), counted: DecodeCounters(), fromStage: true))
            }
            var all: [(String, Bool)] = []
            for await o in g { all.append(o) }
            return all
        }
        #expect(outcomes.filter { $0.0 == "device" }.allSatisfy(\.1) && outcomes.filter { $0.0 == "device" }.count == 20)
        #expect(outcomes.first { $0.0 == "stage" }?.1 == false)
        var q = EventQuery()
        q.limit = 1000
        let stored = try await store.events(q).events
        #expect(stored.filter { $0.device.id == "d" }.count == 20)
        #expect(stored.filter { $0.device.id == "stage" }.count == 1, "only the one stored while the lease was held")
        let fresh = Fence(lease: "correlation/x", owner: "b", epoch: 2)
        try await store.append(Self.batch("stage", 3, fence: fresh))
        #expect(try await store.verify().intact)
    }
    #endif
}
