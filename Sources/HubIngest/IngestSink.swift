import Foundation
import HubDevices
import HubModel
import HubStore
import Logging
import Synchronization

/// Where decoded batches go: the store first (it must hold them), then the registry, whose state
/// changes become `device.status` events, and whoever watches events live (correlation, the API).
public final class IngestSink: Sendable {
    public typealias Observer = @Sendable ([InspectionEvent]) -> Void

    public let store: any EventStore
    public let registry: DeviceRegistry
    private let committer: GroupCommitter
    private let status: StatusEvents
    private let observers: [Observer]
    private let stages: [StageMeter]
    private let maxHold: Duration
    private let storeWait: Duration
    private let held = Atomic<Int>(0)
    private let counters = Mutex<[String: IngestMetrics.DeviceCounters]>([:])
    private let logger: Logger

    /// `stages` are the correlation stages fed by `observers`: while one is past its high-water
    /// mark, device batches wait (up to `maxHold` each) before they are stored, so a stage that
    /// falls behind slows the devices down instead of growing without bound. While the store is
    /// unavailable (`StoreUnavailable`: its server failed over or restarts), a batch is retried for
    /// up to `storeWait` before it is given up.
    public init(
        store: any EventStore, registry: DeviceRegistry, ids: EventIDGenerator, observers: [Observer] = [],
        stages: [StageMeter] = [], maxHold: Duration = .seconds(10), storeWait: Duration = .seconds(30), logger: Logger
    ) {
        self.stages = stages
        self.storeWait = storeWait
        self.maxHold = maxHold
        self.store = store
        self.registry = registry
        committer = GroupCommitter(store: store)
        status = StatusEvents(ids: ids)
        self.observers = observers
        self.logger = logger
    }

    /// Device batches waiting for the group committer's next transaction.
    public var commitBacklog: Int { committer.pending }

    /// Device batches held back right now because a correlation stage is behind (each one's device
    /// waits for its ack meanwhile).
    public var heldBatches: Int { held.load(ordering: .relaxed) }

    /// Stores a device's batch (with any state changes it causes; `counted` is what its decoder
    /// counted since the previous delivery) and returns true once it is
    /// durable. A store that keeps failing is retried a few times (one that is away, for up to
    /// `storeWait`), then the batch is given up and false returned: the caller must not acknowledge it to the device. A stage's own results
    /// pass `fromStage: true`, so they never wait for stages (one of which may be theirs).
    ///
    /// A batch with an alarm, and any batch of a device that stands at a lane, is urgent: it waits
    /// neither for stages that are behind nor behind the queue of other devices' batches (e-seals on
    /// the road by the thousand). Such batches are few and small, and a lane device delivers one at
    /// a time, so its alarm never queues behind its own earlier readings either.
    ///
    /// A stage's results are urgent too: they are what operators wait for (a passage, a transit's
    /// finding, an assessment), and the stage takes no more work until they are stored, so they do
    /// not queue behind thousands of seal positions. They are few.
    @discardableResult
    public func deliver(
        deviceID: String, batch: IngestBatch, counted: DecodeCounters, at now: Date = Date(), fromStage: Bool = false
    ) async -> Bool {
        let device = registry.status(deviceID)
        let urgent = fromStage || device?.lane != nil || batch.events.contains { $0.severity == .alarm }
        if !fromStage && !urgent { await holdWhileStagesBehind() }
        var batch = batch
        counters(for: deviceID, protocolName: device?.protocol ?? "unknown").delivered(counted, events: batch.events.count)
        var transitions = registry.observe(batch.events, of: deviceID, at: now)
        if let t = registry.traffic(deviceID, added: counted, newEvents: batch.events.count, at: now) {
            transitions.append(t)
        }
        for t in transitions { batch.append(status.batch(for: t)) }
        return await commit(batch, deviceID: deviceID, urgent: urgent)
    }

    /// The device's counters, made again if its protocol changed (a profile reloaded).
    private func counters(for deviceID: String, protocolName: String) -> IngestMetrics.DeviceCounters {
        counters.withLock { all in
            if let c = all[deviceID], c.protocolName == protocolName { return c }
            let c = IngestMetrics.DeviceCounters(deviceID: deviceID, protocolName: protocolName)
            all[deviceID] = c
            return c
        }
    }

    /// The device's link changed; stores the resulting `device.status` event, if its state changed.
    public func link(_ deviceID: String, _ link: DeviceRegistry.Link, error: String? = nil, at now: Date = Date()) async {
        if let t = registry.link(deviceID, link, error: error, at: now) {
            await report([t])
        }
    }

    /// Stores `device.status` events for state changes found elsewhere (the health monitor).
    public func report(_ transitions: [DeviceRegistry.Transition]) async {
        for t in transitions {
            logger.info(
                "device state", metadata: ["device": "\(t.device.id)", "from": "\(t.from)", "to": "\(t.to)",
                                           "reason": "\(t.reason ?? "")"])
            await commit(status.batch(for: t), deviceID: t.device.id)
        }
    }

    /// Waits while a correlation stage is past its high-water mark until it drains to its low-water
    /// mark, at most `maxHold` in all; past that the batch goes on and the stage's capacity decides.
    private func holdWhileStagesBehind() async {
        guard stages.contains(where: \.isBehind) else { return }
        let start = ContinuousClock.now
        IngestMetrics.heldForStages()
        held.add(1, ordering: .relaxed)
        defer { held.subtract(1, ordering: .relaxed) }
        // Each stage behind is waited for once: a batch let go goes on even if the stage filled up
        // again meanwhile (the capacity bounds that), so no held batch is woken and parked over and
        // over while others overtake it.
        for stage in stages where stage.isBehind && !Task.isCancelled {
            let left = maxHold - (ContinuousClock.now - start)
            guard left > .zero else { break }
            await stage.waitUntilCaughtUp(atMost: left)
        }
        IngestMetrics.heldForStages(ContinuousClock.now - start)
    }

    @discardableResult
    private func commit(_ batch: IngestBatch, deviceID: String, urgent: Bool = false) async -> Bool {
        guard !batch.isEmpty else { return true }
        var batch = batch
        let started = ContinuousClock.now
        var failures = 0
        var pause: Duration = .milliseconds(100)
        while true {
            do {
                try await committer.commit(batch, urgent: urgent)
                for observe in observers { observe(batch.events) }
                return true
            } catch {
                // A store that is away (a failover, a restart) is waited for, up to `storeWait`, while
                // the device waits for its ack; one that refuses the batch is tried four times.
                let away = error is StoreUnavailable
                failures += 1
                let waited = ContinuousClock.now - started
                // A batch concluded under a lease since lost is never stored: the new owner concludes it.
                if error is Fenced {
                    logger.info("stage results refused, lease lost", metadata: ["device": "\(deviceID)", "error": "\(error)"])
                    return false
                }
                if Task.isCancelled || (away ? waited >= storeWait : failures >= 4) {
                    logger.error(
                        "store failed, batch not stored",
                        metadata: ["device": "\(deviceID)", "events": "\(batch.events.count)", "waited": "\(waited)", "error": "\(error)"])
                    registry.storeFailure(deviceID, error: "\(error)")
                    IngestMetrics.storeFailed()
                    return false
                }
                // The failed try may have been committed all the same: the store keeps the rest only.
                if away { batch.retried = true }
                if failures == 1 || !away {
                    logger.warning("store failed, retrying", metadata: ["device": "\(deviceID)", "error": "\(error)"])
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, away ? .seconds(1) : .milliseconds(1600))
            }
        }
    }
}

/// The event store as the API writes to it: appends go through the ingest sink, so events posted
/// over HTTP (scan results) reach the same observers (passages, risk, live views) as device events.
public struct SinkBackedEventStore: EventStore {
    let sink: IngestSink

    public init(_ sink: IngestSink) { self.sink = sink }

    public struct NotStored: Error, CustomStringConvertible {
        public var description: String { "the store did not take the batch" }
    }

    public func append(_ batch: IngestBatch) async throws {
        let device = batch.events.first?.device.id ?? batch.records.first?.deviceID ?? "api"
        guard await sink.deliver(deviceID: device, batch: batch, counted: DecodeCounters()) else { throw NotStored() }
    }

    public func events(_ query: EventQuery) async throws -> EventPage { try await sink.store.events(query) }
    public func event(id: String) async throws -> InspectionEvent? { try await sink.store.event(id: id) }
    public func rawRecords(sha256: String) async throws -> [RawRecord] { try await sink.store.rawRecords(sha256: sha256) }
    public func rawChainProof(sha256: String) async throws -> RawChainLookup { try await sink.store.rawChainProof(sha256: sha256) }
    public func counts() async throws -> StoreCounts { try await sink.store.counts() }
    public func ingestedFile(deviceID: String, name: String, sha256: String) async throws -> IngestedFile? {
        try await sink.store.ingestedFile(deviceID: deviceID, name: name, sha256: sha256)
    }
}
