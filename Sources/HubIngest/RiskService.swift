import Foundation
import HubCorrelation
import HubDevices
import HubModel
import HubStore
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps every declaration's risk assessment current: whenever an event that links to it is stored,
/// or the declaration itself changes, it is assessed again from all its linked events, and a changed
/// result is stored as a `risk.assessment` event — the item the feed delivers to the risk system.
public final class RiskService: Service, Sendable {
    private let store: any EventStore & DeclarationStore
    private let policy: RiskPolicy
    private let ids: EventIDGenerator
    private let logger: Logger
    private let sinkBox = Mutex<IngestSink?>(nil)
    /// What waits for the stage, folded into one set: under load, the events of many batches that
    /// link to one declaration make one assessment of it, not one each (each assessment reads all
    /// its linked events, so assessing per event costs in proportion to the square of their number).
    private let pending = Mutex(PendingRiskWork())
    /// Wakes the stage when `pending` gains work (one signal stands for any number of batches).
    private let wake: AsyncStream<Void>
    private let wakeInput: AsyncStream<Void>.Continuation
    /// Queue depth and latency of this stage (declaration changes count as items too).
    public let meter: StageMeter

    public init(
        store: any EventStore & DeclarationStore, policy: RiskPolicy, ids: EventIDGenerator, logger: Logger,
        limits: StageLimits = StageLimits(highWater: 100_000, capacity: 1_000_000)
    ) {
        meter = StageMeter(stage: "risk", limits: limits)
        self.store = store
        self.policy = policy
        self.ids = ids
        self.logger = logger
        (wake, wakeInput) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func connect(_ sink: IngestSink) { sinkBox.withLock { $0 = sink } }

    /// An `IngestSink` observer: events that may change some declaration's risk.
    public func observe(_ events: [InspectionEvent]) {
        let relevant = events.filter { $0.kind != EventKind.riskAssessment && !$0.linkKeys.isEmpty }
        guard !relevant.isEmpty else { return }
        // Declarations are looked up in the service's own task, not on the ingest path.
        enqueue(Set(relevant.map(\.id)))
    }

    private func enqueue(_ items: Set<String>, always: Bool = false) {
        // The meter bounds what waits here (ids only, a few dozen bytes each); a full stage turns
        // event ids away and counts them, but never a declaration's change.
        guard let at = meter.enter(items.count, always: always) else { return }
        pending.withLock { $0.add(items, at: at) }
        wakeInput.yield()
    }

    /// A declaration was created, amended or cancelled.
    public func declarationChanged(_ number: String) { enqueue(["declaration:" + number], always: true) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var last: [String: String] = [:]
            await self.recover(into: &last)
            for await _ in self.wake {
                guard let (items, count, queuedAt) = self.pending.withLock({ $0.take() }) else { continue }
                // Latency is counted from the oldest item taken.
                defer { self.meter.done(count, since: queuedAt) }
                var numbers: Set<String> = []
                var events: [String] = []
                for item in items {
                    if item.hasPrefix("declaration:") {
                        numbers.insert(String(item.dropFirst("declaration:".count)))
                    } else {
                        events.append(item)
                    }
                }
                // Every event taken is looked up in one read, not one read (and thread hop) each.
                if let links = try? await self.store.links(events: events.sorted()) {
                    numbers.formUnion(links.map(\.declaration))
                }
                for n in numbers.sorted() {
                    guard let d = try? await self.store.declaration(number: n, version: nil) else { continue }
                    // A failed read assesses nothing (rather than a declaration with none of its evidence).
                    guard let links = try? await self.store.links(declaration: n),
                        let linked = try? await self.store.events(ids: links.map(\.eventID))
                    else {
                        self.logger.warning("risk: linked events unreadable", metadata: ["declaration": "\(n)"])
                        continue
                    }
                    let a = RiskAssessor.assess(d, linked: linked, policy: self.policy)
                    let fingerprint = Self.fingerprint(
                        version: a.version, score: a.score, channel: a.channel.rawValue,
                        signals: a.signals.map { ($0.name, $0.evidence.count) })
                    guard last[n] != fingerprint else { continue }
                    last[n] = fingerprint
                    await self.store(a, declaration: d)
                }
            }
        }
    }

    /// After a crash: the declarations whose assessment was still to be made are queued again,
    /// each starting from its stored assessment, so an unchanged result is not stored (and fed)
    /// a second time under a new id.
    private func recover(into last: inout [String: String]) async {
        guard let backlog = store as? any RiskBacklogStore,
            let numbers = try? await backlog.declarationsAwaitingAssessment(), !numbers.isEmpty
        else { return }
        for n in numbers {
            if let stored = try? await store.latestRiskAssessment(declaration: n), let f = Self.fingerprint(of: stored) {
                last[n] = f
            }
        }
        logger.notice("declarations queued for assessment after restart", metadata: ["count": "\(numbers.count)"])
        enqueue(Set(numbers.map { "declaration:" + $0 }), always: true)
    }

    /// What makes two assessments the same result for the feed.
    static func fingerprint(version: Int, score: Double, channel: String, signals: [(String, Int)]) -> String {
        "\(version)|\(score)|\(channel)|\(signals.map { "\($0.0):\($0.1)" })"
    }

    static func fingerprint(of event: InspectionEvent) -> String? {
        guard let a = event.riskAssessment else { return nil }
        return fingerprint(
            version: a.declarationVersion, score: a.score, channel: a.channel,
            signals: a.signals.map { ($0.signal, $0.evidence.count) })
    }

    private func store(_ a: RiskAssessment, declaration d: Declaration) async {
        guard let sink = sinkBox.withLock({ $0 }) else { return }
        let now = Date()
        let payload = RiskAssessmentPayload(
            score: a.score, channel: a.channel.rawValue, declaredChannel: a.declaredChannel.rawValue,
            declarationVersion: a.version,
            signals: a.signals.map { .init(signal: $0.name, points: $0.points, detail: $0.detail, evidence: $0.evidence) },
            modifiers: a.modifiers, escalated: a.channel > a.declaredChannel)
        let statement = "{\"declaration\":\"\(d.number)\",\"version\":\(a.version),\"score\":\(a.score),\"channel\":\"\(a.channel.rawValue)\"}\n"
        let event = InspectionEvent(
            id: ids.next(at: now), kind: EventKind.riskAssessment,
            device: DeviceRef(id: "risk", profile: "risk-policy", family: "risk"), site: d.site, lane: nil,
            observedAt: now, receivedAt: now,
            // Only the declaration: an assessment is about it, not another observation to link.
            subject: Subject(declaration: d.number),
            payload: payload.payload, severity: a.channel == .red ? .alarm : a.channel == .yellow ? .warning : .info, raw: HubAuthored.unrecorded)
        let batch = HubAuthored.batch(event, statement: statement, format: "niihub-risk", deviceID: "risk", at: now)
        await sink.deliver(deviceID: "risk", batch: batch, counted: DecodeCounters(), fromStage: true)
    }
}

/// A declaration store that tells the risk service when a declaration changes.
public struct ObservedDeclarationStore: DeclarationStore {
    let base: any DeclarationStore
    let changed: @Sendable (String) -> Void

    public init(_ base: any DeclarationStore, changed: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.changed = changed
    }

    public func save(_ declaration: Declaration, at: Date) async throws -> (declaration: Declaration, created: Bool) {
        let r = try await base.save(declaration, at: at)
        if r.created { changed(declaration.number) }
        return r
    }

    public func declaration(number: String, version: Int?) async throws -> Declaration? {
        try await base.declaration(number: number, version: version)
    }

    public func versions(number: String) async throws -> [Declaration] { try await base.versions(number: number) }

    public func declarations(withKey kind: String, value: String) async throws -> [Declaration] {
        try await base.declarations(withKey: kind, value: value)
    }

    public func links(event id: String) async throws -> [Link] { try await base.links(event: id) }

    public func links(declaration number: String) async throws -> [Link] { try await base.links(declaration: number) }
    public func latestRiskAssessment(declaration number: String) async throws -> InspectionEvent? {
        try await base.latestRiskAssessment(declaration: number)
    }
    public func declarations(_ query: DeclarationListQuery) async throws -> [Declaration] {
        try await base.declarations(query)
    }
}

/// Work queued for the risk stage: event ids and declaration changes, how many were entered in the
/// stage's meter, and when the oldest of them was.
struct PendingRiskWork {
    private var items: Set<String> = []
    private var count = 0
    private var since: ContinuousClock.Instant?

    mutating func add(_ more: Set<String>, at: ContinuousClock.Instant) {
        items.formUnion(more)
        count += more.count
        if since == nil { since = at }
    }

    /// Everything queued, emptied; nil when nothing is.
    mutating func take() -> (items: Set<String>, count: Int, since: ContinuousClock.Instant)? {
        guard count > 0, let since else { return nil }
        defer { self = PendingRiskWork() }
        return (items, count, since)
    }
}

