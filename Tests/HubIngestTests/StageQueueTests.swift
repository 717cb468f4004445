import Foundation
import HubDevices
import HubIngest
import HubModel
import HubStore
import HubTesting
import Logging
import ServiceLifecycle
import Testing

/// A correlation stage's queue depth counts what was handed to it and not yet dealt with: seal
/// positions given to a transit watch that is not running yet wait, and are gone once it runs.
/// The depth is also bounded: past its high-water mark ingest waits, past its capacity the stage
/// turns batches away and counts them.
@Suite(.timeLimit(.minutes(3)))
struct StageQueueTests {
    static let logger: Logger = {
        var logger = Logger(label: "stage-queue")
        logger.logLevel = .critical
        return logger
    }()
    static let ids = EventIDGenerator()

    static func fix(_ seal: String, raw: RawRef = RawRef(sha256: String(repeating: "0", count: 64), format: "test")) -> InspectionEvent {
        InspectionEvent(
            id: ids.next(at: Date()), kind: "gps.fix", device: DeviceRef(id: seal, profile: "ascii-eseal", family: "e-seal"),
            site: nil, lane: nil, observedAt: Date(), receivedAt: Date(), subject: Subject(seals: [seal]),
            data: ["lat": .double(10.8), "lon": .double(106.7)], severity: .info, raw: raw)
    }

    /// A batch of `count` seal fixes with the raw record they came from, as a device delivers it.
    static func deviceBatch(_ count: Int, tag: String) -> IngestBatch {
        let bytes = Array("fixes \(tag)\r\n".utf8)
        let now = Date()
        let record = RawRecord(
            sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: "ascii-eseal", deviceID: "seals", firstReceivedAt: now,
            receivedAt: now, frameCount: 1, bytes: bytes)
        return IngestBatch(records: [record], events: (0..<count).map { fix("ES-\(tag)-\($0)", raw: record.ref) })
    }

    /// A store, a transit stage with `limits` (not running), and an ingest sink that feeds it and
    /// waits for it up to `maxHold`.
    static func ingest(into path: String, limits: StageLimits, maxHold: Duration) throws
        -> (SQLiteEventStore, StageRunner<TransitStage>, IngestSink)
    {
        let store = try SQLiteEventStore(path: path)
        let transits = StageRunner(TransitStage(declarations: store, ids: ids), limits: limits)
        let sink = IngestSink(
            store: store, registry: DeviceRegistry(devices: []), ids: ids, observers: [{ transits.observe($0) }],
            stages: [transits.meter], maxHold: maxHold, logger: logger)
        return (store, transits, sink)
    }

    @Test func whatWaitsForAStageIsItsDepthUntilItIsDealtWith() async throws {
        let dir = try TemporaryDirectory("stage-queue")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        let logger = Self.logger
        let ids = Self.ids
        let transits = StageRunner(TransitStage(declarations: store, ids: ids))
        let fix = { (seal: String) in Self.fix(seal) }
        let other = InspectionEvent(
            id: ids.next(at: Date()), kind: "radiation.background", device: DeviceRef(id: "rpm", profile: "rapiscan-rpm", family: "rpm"),
            site: nil, lane: "1", observedAt: Date(), receivedAt: Date(), data: [:], severity: .info,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
        transits.observe([fix("ES-1"), fix("ES-2"), other])
        transits.observe([fix("ES-3")])
        #expect(transits.meter.depth == 3, "the seal positions wait; the background reading is not the stage's")
        let group = ServiceGroup(configuration: .init(services: [transits], logger: logger))
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(90)) { transits.meter.depth == 0 })
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func aFullStageTurnsBatchesAwayAndCountsThem() async throws {
        let dir = try TemporaryDirectory("stage-full")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        let transits = StageRunner(TransitStage(declarations: store, ids: Self.ids), limits: StageLimits(highWater: 2, capacity: 4))
        transits.observe([Self.fix("ES-1"), Self.fix("ES-2"), Self.fix("ES-3")])
        #expect(transits.meter.depth == 3 && transits.meter.isBehind)
        transits.observe([Self.fix("ES-4"), Self.fix("ES-5")])
        #expect(transits.meter.depth == 3, "3 + 2 is past the capacity of 4: the batch is turned away whole")
        #expect(transits.meter.droppedTotal == 2)
        transits.observe([Self.fix("ES-6")])
        #expect(transits.meter.depth == 4 && transits.meter.droppedTotal == 2)

        let group = ServiceGroup(configuration: .init(services: [transits], logger: Self.logger))
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(90)) { transits.meter.depth == 0 })
        #expect(!transits.meter.isBehind)
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Ingest holds a device's batch while a stage is past its high-water mark, stores it once the
    /// stage catches up, and never holds a stage's own results.
    @Test func ingestWaitsWhileAStageIsBehindAndGoesOnWhenItCatchesUp() async throws {
        let dir = try TemporaryDirectory("stage-hold")
        let (store, transits, sink) = try Self.ingest(
            into: dir.path("hub.sqlite"), limits: StageLimits(highWater: 2, capacity: 100), maxHold: .seconds(120))

        #expect(await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(3, tag: "a"), counted: DecodeCounters()))
        #expect(transits.meter.depth == 3 && transits.meter.isBehind, "the stage is not running: its queue is past 2")
        let held = Task { await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(1, tag: "b"), counted: DecodeCounters()) }
        // A stage's own result is stored at once, even while the stage is behind.
        var own = Self.deviceBatch(1, tag: "own")
        own.events[0].kind = "transit.deviation"
        #expect(await sink.deliver(deviceID: "transits", batch: own, counted: DecodeCounters(), fromStage: true))
        // The sink says it holds the second batch: from then on it stays out of the store until the stage runs.
        #expect(await eventually { sink.heldBatches == 1 }, "the second device batch is held")
        #expect(try await store.counts().events == 4, "the stage's own result is in; the second device batch waits")

        let group = ServiceGroup(configuration: .init(services: [transits], logger: Self.logger))
        let running = Task { try await group.run() }
        #expect(await held.value, "stored once the stage caught up")
        #expect(try await store.counts().events == 5)
        #expect(sink.heldBatches == 0)
        #expect(await eventually(timeout: .seconds(90)) { transits.meter.depth == 0 })
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// An alarm is not held for a stage that is behind: the operator needs it now, and alarms are
    /// few. The device batch after it is held as before.
    @Test func anAlarmIsStoredAtOnceWhileAStageIsBehind() async throws {
        let dir = try TemporaryDirectory("stage-alarm")
        let (store, transits, sink) = try Self.ingest(
            into: dir.path("hub.sqlite"), limits: StageLimits(highWater: 2, capacity: 100), maxHold: .seconds(120))
        #expect(await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(3, tag: "a"), counted: DecodeCounters()))
        #expect(transits.meter.isBehind)
        var alarm = Self.deviceBatch(1, tag: "alarm")
        alarm.events[0].severity = .alarm
        // Delivered beside the test, so that a held alarm shows as a store without it (the hold
        // lasts up to 120 s here), not as a delivery that ends late.
        let delivered = Task { await sink.deliver(deviceID: "seals", batch: alarm, counted: DecodeCounters()) }
        #expect(try await eventually { try await store.counts().events == 4 }, "the alarm is in while the stage is still behind")
        #expect(transits.meter.isBehind && sink.heldBatches == 0)
        #expect(await delivered.value)

        let held = Task { await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(1, tag: "b"), counted: DecodeCounters()) }
        #expect(await eventually { sink.heldBatches == 1 }, "an ordinary batch is still held")
        let group = ServiceGroup(configuration: .init(services: [transits], logger: Self.logger))
        let running = Task { try await group.run() }
        #expect(await held.value)
        #expect(try await store.counts().events == 5)
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// A stage that never catches up holds each batch at most `maxHold`; then the batch is stored
    /// and the stage's capacity bounds what waits for it.
    @Test func aStuckStageDelaysIngestButNeverStopsIt() async throws {
        let dir = try TemporaryDirectory("stage-stuck")
        let (store, transits, sink) = try Self.ingest(
            into: dir.path("hub.sqlite"), limits: StageLimits(highWater: 1, capacity: 5), maxHold: .milliseconds(50))
        for i in 0..<6 {
            #expect(await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(2, tag: "s\(i)"), counted: DecodeCounters()))
        }
        #expect(try await store.counts().events == 12, "every batch is stored")
        #expect(transits.meter.depth == 4, "two batches fit under the capacity of 5")
        #expect(transits.meter.droppedTotal == 8)
    }

    /// Many devices held at once sleep until the stage catches up and are all let go together:
    /// nothing polls per held device, and no waiter's ticket is left behind.
    @Test func manyHeldBatchesAreLetGoTogetherWhenTheStageCatchesUp() async throws {
        let dir = try TemporaryDirectory("stage-many")
        let (store, transits, sink) = try Self.ingest(
            into: dir.path("hub.sqlite"), limits: StageLimits(highWater: 2, capacity: 10_000), maxHold: .seconds(120))
        #expect(await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(3, tag: "first"), counted: DecodeCounters()))
        let held = (0..<300).map { i in
            Task { await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(1, tag: "h\(i)"), counted: DecodeCounters()) }
        }
        #expect(await eventually { sink.heldBatches == 300 && transits.meter.waiting == 300 }, "every batch waits, asleep")
        #expect(try await store.counts().events == 3)

        let group = ServiceGroup(configuration: .init(services: [transits], logger: Self.logger))
        let running = Task { try await group.run() }
        for task in held { #expect(await task.value) }
        #expect(try await store.counts().events == 303)
        #expect(sink.heldBatches == 0)
        #expect(transits.meter.waiting == 0, "no ticket is left behind")
        #expect(await eventually(timeout: .seconds(90)) { transits.meter.depth == 0 })
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// A waiter whose time runs out goes on without the stage, and leaves no ticket.
    @Test func aWaitThatRunsOutLeavesNoTicket() async throws {
        let dir = try TemporaryDirectory("stage-wait")
        let (_, transits, sink) = try Self.ingest(
            into: dir.path("hub.sqlite"), limits: StageLimits(highWater: 1, capacity: 100), maxHold: .milliseconds(20))
        #expect(await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(3, tag: "a"), counted: DecodeCounters()))
        #expect(transits.meter.isBehind)
        await transits.meter.waitUntilCaughtUp(atMost: .milliseconds(20))
        #expect(transits.meter.isBehind, "nothing ran the stage: the wait ended at its limit")
        #expect(transits.meter.waiting == 0)
        #expect(await sink.deliver(deviceID: "seals", batch: Self.deviceBatch(1, tag: "b"), counted: DecodeCounters()))
        #expect(transits.meter.waiting == 0)
    }
}
