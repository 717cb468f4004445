import Foundation
import HubCorrelation
import HubDevices
import HubModel
import HubNormalizer
import Logging
import ServiceLifecycle
import Synchronization

/// Assembles gate passages from the events the store takes and stores each passage as a
/// `gate.passage` event, and each later revision of it (late evidence, an operator's resolution)
/// as another that names the one it supersedes. Its subject holds every container, plate and seal
/// the passage's devices read, so a passage links to declarations like any event; its data names
/// its member events and what in it is ambiguous.
public final class PassageService: Service, Sendable {
    /// What an operator's resolution did.
    public enum Resolution: Sendable, Equatable {
        /// The passages stored anew, as event ids.
        case resolved(events: [String])
        /// The evidence or the passage is no longer held (older than `lateS`, or the hub restarted).
        case unknown
    }

    private enum Input: Sendable {
        case events(QueuedEvents)
        case tick
        case resolve(event: String, passage: String, by: String, reply: @Sendable (Resolution) -> Void)
    }

    private let windows: PassageWindows
    private let layout: Mutex<LaneLayout>
    /// The stored events to rebuild the lanes from at start (the last `lateS` and windows).
    private let history: (@Sendable (PassageWindows) async -> [InspectionEvent])?
    private let ids: EventIDGenerator
    private let logger: Logger
    private let sinkBox = Mutex<IngestSink?>(nil)
    private let stream: AsyncStream<Input>
    private let input: AsyncStream<Input>.Continuation
    /// Queue depth and latency of this stage.
    public let meter: StageMeter

    public init(
        windows: PassageWindows = PassageWindows(), layout: LaneLayout = LaneLayout(), ids: EventIDGenerator, logger: Logger,
        limits: StageLimits = StageLimits(), history: (@Sendable (PassageWindows) async -> [InspectionEvent])? = nil
    ) {
        self.history = history
        meter = StageMeter(stage: "passages", limits: limits)
        self.windows = windows
        self.layout = Mutex(layout)
        self.ids = ids
        self.logger = logger
        (stream, input) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
    }

    /// The sink the passages go to (set once, after the sink that feeds this service exists).
    public func connect(_ sink: IngestSink) { sinkBox.withLock { $0 = sink } }

    /// Device positions after a configuration reload.
    public func relayout(_ l: LaneLayout) { layout.withLock { $0 = l } }

    /// An `IngestSink` observer: hands stored events to the assembler.
    public func observe(_ events: [InspectionEvent]) {
        let relevant = events.filter { $0.kind != EventKind.passage && $0.kind != EventKind.passageResolution && $0.lane != nil }
        guard !relevant.isEmpty else { return }
        // The meter bounds what waits here; a full stage turns the batch away and counts it.
        guard let at = meter.enter(relevant.count) else { return }
        input.yield(.events(QueuedEvents(events: relevant, at: at)))
    }

    /// An operator says evidence `event` belongs to passage `passage` (a passage id, `data.passage`).
    public func resolve(event: String, passage: String, by user: String) async -> Resolution {
        await withCheckedContinuation { c in
            input.yield(.resolve(event: event, passage: passage, by: user) { c.resume(returning: $0) })
        }
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
            let (merged, merge) = AsyncStream.makeStream(of: Input.self)
            group.addTask {
                for await item in self.stream { merge.yield(item) }
            }
            group.addTask {
                for await _ in ticks { merge.yield(.tick) }
            }
            await cancelWhenGracefulShutdown {
                var assembler = PassageAssembler(windows: windows, layout: self.layout.withLock { $0 })
                var stored = StoredRevisions()
                if let history = self.history {
                    // A restart: vehicles in the lanes and passages open to late evidence come back.
                    let past = await history(windows)
                    for e in past where e.kind == EventKind.passage { if let p = e.passage?.passage { stored.record(p, e) } }
                    let revisions = stored.revisions
                    let due = assembler.restore(past.filter { !$0.kind.hasPrefix("gate.") }, stored: revisions)
                    await self.store(due, &stored)
                    self.logger.info(
                        "passages: lanes rebuilt from the store",
                        metadata: ["events": "\(past.count)", "passages": "\(revisions.count)", "storedNow": "\(due.count)"])
                }
                for await item in merged {
                    let l = self.layout.withLock { $0 }
                    if l != assembler.layout { assembler.relayout(l) }
                    switch item {
                    case .events(let queued):
                        await self.store(assembler.observe(queued.events), &stored)
                        self.meter.done(queued.events.count, since: queued.at)
                    case .tick:
                        await self.store(assembler.close(before: Date()), &stored)
                        stored.forget(before: Date().addingTimeInterval(-(windows.lateS + windows.beforeS + windows.afterS) * 2))
                    case .resolve(let event, let passage, let by, let reply):
                        guard let out = assembler.resolve(event: event, to: passage) else {
                            reply(.unknown)
                            continue
                        }
                        reply(.resolved(events: await self.store(out, &stored, resolution: (event, passage, by))))
                    }
                }
                // Shutting down: what is open is stored as it stands.
                await self.store(assembler.flush(), &stored)
            }
            group.cancelAll()
        }
    }

    @discardableResult
    private func store(_ passages: [Passage], _ stored: inout StoredRevisions, resolution: (String, String, String)? = nil) async
        -> [String]
    {
        guard !passages.isEmpty, let sink = sinkBox.withLock({ $0 }) else { return [] }
        var batch = IngestBatch()
        var written: [String] = []
        var superseded: [String] = []
        var before = Subject()
        for p in passages {
            let previous = stored.latest[p.id]
            if let previous {
                superseded.append(previous.event)
                before = before.union(previous.subject)
            }
            let b = PassageEvents.batch(for: p, supersedes: previous?.event, ids: ids)
            stored.record(p.id, b.events[0])
            written.append(b.events[0].id)
            batch.append(b)
        }
        if let (event, passage, by) = resolution {
            // Linked to every declaration the old revisions were: their risk is assessed again.
            batch.append(PassageEvents.resolution(event: event, passage: passage, by: by, supersedes: superseded,
                                                  subject: before, site: passages[0].site, lane: passages[0].lane, ids: ids))
        }
        await sink.deliver(deviceID: "passages", batch: batch, counted: DecodeCounters(), fromStage: true)
        return written
    }
}

/// The event that stands for each passage now, so a revision can name the one it supersedes.
struct StoredRevisions {
    struct Entry {
        var event: String
        var subject: Subject
        var at: Date
        var revision: Int
    }

    private(set) var latest: [String: Entry] = [:]

    /// Passage id → its newest stored revision.
    var revisions: [String: Int] {
        latest.mapValues { $0.revision }
    }

    mutating func record(_ passage: String, _ e: InspectionEvent) {
        let revision = e.passage?.revision ?? 1
        latest[passage] = Entry(event: e.id, subject: e.subject, at: e.receivedAt, revision: revision)
    }

    mutating func forget(before: Date) {
        guard latest.count > 1_000 else { return }
        latest = latest.filter { $0.value.at >= before }
    }
}

extension Subject {
    /// Every identifier of both.
    func union(_ o: Subject) -> Subject {
        func merge(_ a: [String]?, _ b: [String]?) -> [String]? {
            let m = LaneOrder.unique((a ?? []) + (b ?? []))
            return m.isEmpty ? nil : m
        }
        return Subject(containers: merge(containers, o.containers), seals: merge(seals, o.seals), plates: merge(plates, o.plates))
    }
}

enum LaneOrder {
    static func unique(_ xs: [String]) -> [String] {
        var seen: Set<String> = []
        return xs.filter { seen.insert($0).inserted }
    }
}
