import Foundation
import HubCorrelation
import HubDevices
import HubModel
import HubNormalizer
import Logging
import ServiceLifecycle
import Synchronization

/// Assembles gate passages from the events the store takes and stores each closed passage as a
/// `gate.passage` event. Its subject holds every container, plate and seal the passage's devices
/// read, so a passage links to declarations like any event; its data names its member events.
public final class PassageService: Service, Sendable {
    private let windows: PassageWindows
    private let ids: EventIDGenerator
    private let logger: Logger
    private let sinkBox = Mutex<IngestSink?>(nil)
    private let stream: AsyncStream<QueuedEvents>
    private let input: AsyncStream<QueuedEvents>.Continuation
    /// Queue depth and latency of this stage.
    public let meter: StageMeter

    public init(
        windows: PassageWindows = PassageWindows(), ids: EventIDGenerator, logger: Logger, limits: StageLimits = StageLimits()
    ) {
        meter = StageMeter(stage: "passages", limits: limits)
        self.windows = windows
        self.ids = ids
        self.logger = logger
        (stream, input) = AsyncStream.makeStream(of: QueuedEvents.self, bufferingPolicy: .unbounded)
    }

    /// The sink the passages go to (set once, after the sink that feeds this service exists).
    public func connect(_ sink: IngestSink) { sinkBox.withLock { $0 = sink } }

    /// An `IngestSink` observer: hands stored events to the assembler.
    public func observe(_ events: [InspectionEvent]) {
        let relevant = events.filter { $0.kind != "gate.passage" && $0.lane != nil }
        guard !relevant.isEmpty else { return }
        // The meter bounds what waits here; a full stage turns the batch away and counts it.
        guard let at = meter.enter(relevant.count) else { return }
        input.yield(QueuedEvents(events: relevant, at: at))
    }

    public func run() async throws {
        let windows = self.windows
        let ticks = AsyncStream<Void> { c in
            let t = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    c.yield()
                }
                c.finish()
            }
            c.onTermination = { _ in t.cancel() }
        }
        await withDiscardingTaskGroup { group in
            let (merged, merge) = AsyncStream.makeStream(of: QueuedEvents?.self)
            group.addTask {
                for await batch in self.stream { merge.yield(batch) }
            }
            group.addTask {
                for await _ in ticks { merge.yield(nil) }
            }
            await cancelWhenGracefulShutdown {
                var assembler = PassageAssembler(windows: windows)
                for await item in merged {
                    var closed: [Passage] = []
                    if let queued = item {
                        for e in queued.events { closed += assembler.observe(e) }
                    } else {
                        closed = assembler.close(before: Date())
                    }
                    await self.store(closed)
                    if let queued = item { self.meter.done(queued.events.count, since: queued.at) }
                }
                // Shutting down: what is open is stored as it stands.
                await self.store(assembler.flush())
            }
            group.cancelAll()
        }
    }

    private func store(_ passages: [Passage]) async {
        guard !passages.isEmpty, let sink = sinkBox.withLock({ $0 }) else { return }
        var batch = IngestBatch()
        for p in passages { batch.append(PassageEvents.batch(for: p, ids: ids)) }
        await sink.deliver(deviceID: "passages", batch: batch, counted: DecodeCounters(), fromStage: true)
    }
}

/// A passage as an inspection event; its raw record is the hub's statement of which events it joined.
enum PassageEvents {
    static func batch(for p: Passage, ids: EventIDGenerator) -> IngestBatch {
        let now = Date()
        var data: [String: JSONValue] = [
            "startedAt": .string(Timestamp.format(p.startedAt)),
            "endedAt": .string(Timestamp.format(p.endedAt)),
            "events": .array(p.events.map { .string($0) }),
            "missing": .array(p.missing.map { .string($0) }),
            "alarmed": .bool(p.alarmed),
        ]
        if let o = p.occupancy { data["occupancyEvent"] = .string(o) }
        if let g = p.gammaAlarm { data["gammaAlarm"] = .bool(g) }
        if let n = p.neutronAlarm { data["neutronAlarm"] = .bool(n) }
        if let s = p.scanEvent { data["scanEvent"] = .string(s) }
        if let r = p.scanResult { data["scanResult"] = .string(r) }
        if !p.devicesDown.isEmpty { data["devicesDown"] = .array(p.devicesDown.map { .string($0) }) }
        let statement = "{\"passage\":\"\(p.site)/\(p.lane)\",\"events\":[\(p.events.map { "\"\($0)\"" }.joined(separator: ","))]}\n"
        let bytes = Array(statement.utf8)
        let record = RawRecord(
            sha256: RawSegmenter.sha256Hex(bytes), format: "niihub-passage", deviceID: "passages",
            firstReceivedAt: now, receivedAt: now, frameCount: 1, bytes: bytes)
        let event = InspectionEvent(
            id: ids.next(at: now), kind: "gate.passage",
            device: DeviceRef(id: "passages", profile: "passage-assembler", family: "gate"),
            site: p.site.isEmpty ? nil : p.site, lane: p.lane, observedAt: p.endedAt, receivedAt: now,
            subject: Subject(
                containers: p.containers.isEmpty ? nil : p.containers, seals: p.seals.isEmpty ? nil : p.seals,
                plates: p.plates.isEmpty ? nil : p.plates),
            data: data, severity: p.alarmed ? .alarm : (p.devicesDown.isEmpty ? .info : .warning), raw: record.ref)
        return IngestBatch(records: [record], events: [event])
    }
}
