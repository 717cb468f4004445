import Foundation
import HubCorrelation
import HubModel
import Logging
import Synchronization

/// Assembles gate passages from the events the store takes and stores each passage as a
/// `gate.passage` event, and each later revision of it (late evidence, an operator's resolution)
/// as another that names the one it supersedes. Its subject holds every container, plate and seal
/// the passage's devices read, so a passage links to declarations like any event; its data names
/// its member events and what in it is ambiguous.
public struct PassageStage: CorrelationStage {
    /// What an operator's resolution did.
    public enum Resolution: Sendable, Equatable, Codable {
        /// The passages stored anew, as event ids.
        case resolved(events: [String])
        /// The evidence or the passage is no longer held (older than `lateS`, or the hub restarted).
        case unknown
    }

    /// An operator says evidence `event` belongs to passage `passage` (a passage id, `data.passage`).
    public struct Resolve: Sendable {
        public var event: String
        public var passage: String
        public var by: String
    }

    /// The lane layout in force: a configuration reload sets it, the stage follows it at its next turn.
    public final class Layout: Sendable {
        fileprivate let current: Mutex<LaneLayout>
        init(_ l: LaneLayout) { current = Mutex(l) }
        public func set(_ l: LaneLayout) { current.withLock { $0 = l } }
    }

    public static let name = "passages"

    private let windows: PassageWindows
    /// The stored events to rebuild the lanes from at start (the last `lateS` and windows).
    private let history: (@Sendable (PassageWindows) async -> [InspectionEvent])?
    private let ids: EventIDGenerator
    private let logger: Logger
    public let shared: Layout
    private var assembler: PassageAssembler
    private var stored = StoredRevisions()

    public init(
        windows: PassageWindows = PassageWindows(), layout: LaneLayout = LaneLayout(), ids: EventIDGenerator, logger: Logger,
        history: (@Sendable (PassageWindows) async -> [InspectionEvent])? = nil
    ) {
        self.windows = windows
        self.history = history
        self.ids = ids
        self.logger = logger
        shared = Layout(layout)
        assembler = PassageAssembler(windows: windows, layout: layout)
    }

    public var tickInterval: Duration? { .seconds(1) }

    public static func work(from events: [InspectionEvent]) -> StoredEvents? {
        let relevant = events.filter { $0.kind != EventKind.passage && $0.kind != EventKind.passageResolution && $0.lane != nil }
        return relevant.isEmpty ? nil : StoredEvents(relevant)
    }

    public mutating func start() async -> StageStart<StoredEvents> {
        followLayout()
        guard let history else { return StageStart() }
        // A restart: vehicles in the lanes and passages open to late evidence come back.
        let past = await history(windows)
        for e in past where e.kind == EventKind.passage { if let p = e.passage?.passage { stored.record(p, e) } }
        let revisions = stored.revisions
        let due = assembler.restore(past.filter { !$0.kind.hasPrefix("gate.") }, stored: revisions)
        let batch = events(for: due)
        logger.info(
            "passages: lanes rebuilt from the store",
            metadata: ["events": "\(past.count)", "passages": "\(revisions.count)", "storedNow": "\(due.count)"])
        return StageStart(concluded: batch)
    }

    public mutating func take(_ work: StoredEvents) async -> IngestBatch {
        followLayout()
        return events(for: assembler.observe(work.events))
    }

    public mutating func tick(now: Date) async -> IngestBatch {
        followLayout()
        let out = events(for: assembler.close(before: now))
        stored.forget(before: now.addingTimeInterval(-(windows.lateS + windows.beforeS + windows.afterS) * 2))
        return out
    }

    public mutating func handle(_ r: Resolve) async -> (reply: Resolution, concluded: IngestBatch) {
        followLayout()
        guard let out = assembler.resolve(event: r.event, to: r.passage) else { return (.unknown, IngestBatch()) }
        let batch = events(for: out, resolution: r)
        // The passages' events come first in the batch, the resolution last.
        return (.resolved(events: Array(batch.events.prefix(out.count).map(\.id))), batch)
    }

    public mutating func flush() async -> IngestBatch {
        // Shutting down: what is open is stored as it stands.
        events(for: assembler.flush())
    }

    private mutating func followLayout() {
        let l = shared.current.withLock { $0 }
        if l != assembler.layout { assembler.relayout(l) }
    }

    /// The passages as events, each naming the revision it supersedes, and the resolution that
    /// caused them, if one did.
    private mutating func events(for passages: [Passage], resolution: Resolve? = nil) -> IngestBatch {
        guard !passages.isEmpty else { return IngestBatch() }
        var batch = IngestBatch()
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
            batch.append(b)
        }
        if let r = resolution {
            // Linked to every declaration the old revisions were: their risk is assessed again.
            batch.append(PassageEvents.resolution(event: r.event, passage: r.passage, by: r.by, supersedes: superseded,
                                                  subject: before, site: passages[0].site, lane: passages[0].lane, ids: ids))
        }
        return batch
    }
}

extension StageRunner where Stage == PassageStage {
    /// An operator says evidence `event` belongs to passage `passage`; answers once the passages
    /// it changed are stored (`unknown` when the stage has stopped).
    public func resolve(event: String, passage: String, by user: String) async -> PassageStage.Resolution {
        await request(PassageStage.Resolve(event: event, passage: passage, by: user)) ?? .unknown
    }

    /// Device positions after a configuration reload.
    public func relayout(_ l: LaneLayout) { shared.set(l) }
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
