import Foundation
import HubCorrelation
import HubModel
import HubStore
import Logging

/// Keeps every declaration's risk assessment current: whenever an event that links to it is stored,
/// or the declaration itself changes, it is assessed again from all its linked events, and a changed
/// result is stored as a `risk.assessment` event — the item the feed delivers to the risk system.
///
/// Its work folds (`RiskWork`): under load, the events of many batches that link to one declaration
/// make one assessment of it, not one each (each assessment reads all its linked events, so
/// assessing per event costs in proportion to the square of their number).
public struct RiskStage: CorrelationStage {
    public static let name = "risk"
    /// Its queue holds ids only (a few dozen bytes each), so it may hold many more than another stage's.
    public static let limits = StageLimits(highWater: 100_000, capacity: 1_000_000)

    private let store: any EventStore & DeclarationStore
    private let policy: RiskPolicy
    private let ids: EventIDGenerator
    private let logger: Logger
    /// Each declaration's last stored result, so an unchanged one is not stored (and fed) again.
    private var last: [String: String] = [:]

    public init(store: any EventStore & DeclarationStore, policy: RiskPolicy, ids: EventIDGenerator, logger: Logger) {
        self.store = store
        self.policy = policy
        self.ids = ids
        self.logger = logger
    }

    /// Events that may change some declaration's risk; declarations are looked up in the stage's
    /// own turn, not on the ingest path. A seal's position fixes are not evidence
    /// (`RiskAssessor.notEvidence`): assessing again at each of them cost a read of all the
    /// transit's linked events per fix, growing with the transit's length.
    public static func work(from events: [InspectionEvent]) -> RiskWork? {
        let relevant = events.filter {
            $0.kind != EventKind.riskAssessment && !RiskAssessor.notEvidence.contains($0.kind) && !$0.linkKeys.isEmpty
        }
        return relevant.isEmpty ? nil : RiskWork(events: Set(relevant.map(\.id)))
    }

    /// After a crash: the declarations whose assessment was still to be made are queued again,
    /// each starting from its stored assessment, so an unchanged result is not stored (and fed)
    /// a second time under a new id.
    public mutating func start() async -> StageStart<RiskWork> {
        guard let backlog = store as? any RiskBacklogStore,
            let numbers = try? await backlog.declarationsAwaitingAssessment(), !numbers.isEmpty
        else { return StageStart() }
        for n in numbers {
            if let stored = try? await store.latestRiskAssessment(declaration: n), let f = Self.fingerprint(of: stored) {
                last[n] = f
            }
        }
        logger.notice("declarations queued for assessment after restart", metadata: ["count": "\(numbers.count)"])
        return StageStart(queued: RiskWork(declarations: Set(numbers)))
    }

    public mutating func take(_ work: RiskWork) async -> IngestBatch {
        var numbers = work.declarations
        // Every event taken is looked up in one read, not one read (and thread hop) each.
        if let links = try? await store.links(events: work.events.sorted()) {
            numbers.formUnion(links.map(\.declaration))
        }
        var batch = IngestBatch()
        for n in numbers.sorted() {
            guard let d = try? await store.declaration(number: n, version: nil) else { continue }
            // A failed read assesses nothing (rather than a declaration with none of its evidence).
            guard let links = try? await store.links(declaration: n),
                let linked = try? await store.events(ids: links.map(\.eventID), excludingKinds: RiskAssessor.notEvidence)
            else {
                logger.warning("risk: linked events unreadable", metadata: ["declaration": "\(n)"])
                continue
            }
            let a = RiskAssessor.assess(d, linked: linked, policy: policy)
            let fingerprint = Self.fingerprint(
                version: a.version, score: a.score, channel: a.channel.rawValue, signals: a.signals.map { ($0.name, $0.evidence.count) })
            guard last[n] != fingerprint else { continue }
            last[n] = fingerprint
            batch.append(event(for: a, declaration: d))
        }
        return batch
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

    private func event(for a: RiskAssessment, declaration d: Declaration) -> IngestBatch {
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
        return HubAuthored.batch(event, statement: statement, format: "niihub-risk", deviceID: "risk", at: now)
    }
}

/// Work queued for the risk stage: ids of stored events that may link to a declaration, and
/// declarations that changed. All that waits folds into one set, taken in one step.
public struct RiskWork: StageWork {
    var events: Set<String>
    var declarations: Set<String>
    public private(set) var count: Int

    init(events: Set<String> = [], declarations: Set<String> = []) {
        self.events = events
        self.declarations = declarations
        count = events.count + declarations.count
    }

    public mutating func absorb(_ later: RiskWork) -> Bool {
        events.formUnion(later.events)
        declarations.formUnion(later.declarations)
        count += later.count
        return true
    }
}

extension StageRunner where Stage == RiskStage {
    /// A declaration was created, amended or cancelled: it is assessed again (never turned away).
    public func declarationChanged(_ number: String) { enqueue(RiskWork(declarations: [number]), always: true) }
}

/// A declaration store that tells the risk service when a declaration changes.
public struct ObservedDeclarationStore: DeclarationStore {
    let base: any DeclarationStore
    let changed: @Sendable (String) -> Void
    let announce: @Sendable (String) async -> Void

    /// `changed` tells this hub's stages; `announce` the other hubs sharing the store, whose
    /// stages may be the ones that correlate.
    public init(
        _ base: any DeclarationStore, announce: @escaping @Sendable (String) async -> Void = { _ in },
        changed: @escaping @Sendable (String) -> Void
    ) {
        self.base = base
        self.changed = changed
        self.announce = announce
    }

    public func save(_ declaration: Declaration, at: Date) async throws -> (declaration: Declaration, created: Bool) {
        let r = try await base.save(declaration, at: at)
        if r.created {
            changed(declaration.number)
            await announce(declaration.number)
        }
        return r
    }

    public func declaration(number: String, version: Int?) async throws -> Declaration? {
        try await base.declaration(number: number, version: version)
    }

    public func versions(number: String) async throws -> [Declaration] { try await base.versions(number: number) }

    public func declarations(withKey kind: String, value: String) async throws -> [Declaration] {
        try await base.declarations(withKey: kind, value: value)
    }

    public func declarations(withKey kind: String, values: [String]) async throws -> [String: [Declaration]] {
        try await base.declarations(withKey: kind, values: values)
    }

    public func links(event id: String) async throws -> [Link] { try await base.links(event: id) }

    public func links(events ids: [String]) async throws -> [Link] { try await base.links(events: ids) }

    public func links(declaration number: String) async throws -> [Link] { try await base.links(declaration: number) }
    public func latestRiskAssessment(declaration number: String) async throws -> InspectionEvent? {
        try await base.latestRiskAssessment(declaration: number)
    }
    public func declarations(_ query: DeclarationListQuery) async throws -> [Declaration] {
        try await base.declarations(query)
    }
}
