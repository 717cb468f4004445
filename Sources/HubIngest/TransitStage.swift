import Foundation
import HubCorrelation
import HubDrivers
import HubModel
import HubStore
import Synchronization

/// Watches GPS-sealed transits: a seal's fixes and reports are matched to the transit declaration
/// that names the seal, fed to its `TransitWatch`, and what it finds is stored as `transit.*` events
/// (subject: the seal and the declaration). A declaration that arrives after the seal started
/// reporting is picked up at the seal's next report.
///
/// Given a `TransitHistory`, a watch survives a restart or a hand-over to another hub: at start the
/// open transits' watches are rebuilt from what is stored (their findings and their seals' reports,
/// replayed), and so is any other watch the first time its seal reports. A finding already stored is
/// not stored again; one the old owner made but did not store is stored then.
public struct TransitStage: CorrelationStage {
    public static let name = "transits"

    /// What the rest of the hub sees of the stage while it runs: the transits being watched (for
    /// the map), and the transit declarations by seal number, which a declaration's change empties.
    public final class Board: Sendable {
        private let pictures = Mutex<[String: TransitPicture]>([:])
        /// Transit declarations by seal number (none, for most seals), so not every report of a seal
        /// queries the store. Emptied whenever a declaration is saved; `generation` keeps a lookup
        /// that raced with a save from being cached.
        private let bySeal = Mutex<(generation: Int, map: [String: [Declaration]])>((0, [:]))
        static let sealCacheLimit = 100_000
        private let declarations: any DeclarationStore

        init(declarations: any DeclarationStore) { self.declarations = declarations }

        /// The transits being watched, for the map: corridor, recent track, status.
        public func active() -> [TransitPicture] {
            pictures.withLock { Array($0.values) }.sorted { $0.declaration < $1.declaration }
        }

        /// A declaration was created, amended or cancelled: seals are looked up afresh.
        public func declarationChanged(_ number: String) {
            bySeal.withLock {
                $0.generation += 1
                $0.map.removeAll()
            }
        }

        /// The transit declarations naming each of `seals`, from the cache, and those not in it from
        /// the store in one read. A failed read is not cached, so the seals' next reports ask again.
        ///
        /// One read for all: when 10,000 seals first report, one store read each kept the stage
        /// waiting on thousands of hand-offs to the store's readers in a row. It fell behind (19,575
        /// positions queued) and held every seal back for a second and more (`e2e.py`).
        func transitDeclarations(seals: Set<String>) async -> [String: [Declaration]] {
            var found: [String: [Declaration]] = [:]
            let generation = bySeal.withLock { c in
                for seal in seals { if let cached = c.map[seal] { found[seal] = cached } }
                return c.generation
            }
            let missing = seals.filter { found[$0] == nil }
            guard !missing.isEmpty,
                let read = try? await declarations.declarations(withKey: "seal", values: Array(missing))
            else { return found }
            var looked: [String: [Declaration]] = [:]
            for seal in missing { looked[seal] = (read[seal] ?? []).filter { $0.type == .transit } }
            bySeal.withLock { c in
                guard c.generation == generation else { return }
                if c.map.count + looked.count > Self.sealCacheLimit { c.map.removeAll(keepingCapacity: true) }
                c.map.merge(looked) { _, new in new }
            }
            return found.merging(looked) { _, new in new }
        }

        /// Updates a transit's picture for the map; a closed transit leaves it.
        func draw(_ number: String, closed: Bool = false, _ change: (TransitPicture?) -> TransitPicture?) {
            pictures.withLock { $0[number] = closed ? nil : change($0[number]) }
        }
    }

    public let shared: Board
    public let tickInterval: Duration?
    private let ids: EventIDGenerator
    private let routes: [String: [[Double]]]
    private let history: TransitHistory?
    private var watches: [String: Watched] = [:]

    /// A watch, the seal its findings name, and the stored reports replayed into it when it was
    /// restored: they may also be queued for the stage (stored while it started), and are not fed twice.
    struct Watched {
        var watch: TransitWatch
        var seal: String
        var replayed: Set<String> = []
    }

    /// A replayed report received longer than this before the restore is not expected in the queue.
    static let replayedKept: TimeInterval = 3600

    public init(
        declarations: any DeclarationStore, routes: [String: [[Double]]] = [:], ids: EventIDGenerator, tick: Duration = .seconds(10),
        history: TransitHistory? = nil
    ) {
        shared = Board(declarations: declarations)
        self.routes = routes
        self.ids = ids
        self.history = history
        tickInterval = tick
    }

    /// Rebuilds the watches of the transits still open from the store and stores what their
    /// replay finds that was not stored.
    public mutating func start() async -> StageStart<StoredEvents> {
        guard let history else { return StageStart() }
        var findings: [(TransitWatch.Finding, String, String)] = []
        for d in await history.open(Date()) where watches[d.number] == nil {
            findings += await restore(d, from: history, unlessUnheard: true)
        }
        return StageStart(concluded: events(for: findings))
    }

    /// Up to how many seal reports waiting are taken at once.
    ///
    /// Each e-seal's batch is one report. Taken one by one, the first report of each of 10,000 seals
    /// waited for a read of its declarations, and each finding for its commit: the stage fell
    /// behind by 19,000 reports and held every seal back for seconds (`e2e.py`). Taken together,
    /// the seals new to the stage are looked up in one read and the findings stored in one commit.
    ///
    /// A take counts in the stage's queue until its findings are stored, and the next one gathers
    /// meanwhile: a stage that keeps up holds up to two takes. So a take stays well under half the
    /// high-water mark (10,000); at 4,096 the queue reached 8,000–9,000 and sometimes held the seals.
    static let foldedReports = 2_048

    /// Seal positions and reports.
    public static func work(from events: [InspectionEvent]) -> StoredEvents? {
        let relevant = events.filter { ($0.kind == EventKind.gpsFix || $0.kind == EventKind.sealStatus) && !seals(of: $0).isEmpty }
        return relevant.isEmpty ? nil : StoredEvents(relevant, foldsUpTo: foldedReports)
    }

    public mutating func take(_ work: StoredEvents) async -> IngestBatch {
        var findings: [(TransitWatch.Finding, String, String)] = []
        let declared = await shared.transitDeclarations(seals: Set(work.events.flatMap { Self.seals(of: $0).map { $0.uppercased() } }))
        var pasts = await storedHistories(of: declared.values.joined().filter { watches[$0.number] == nil })
        for e in work.events {
            for seal in Self.seals(of: e) {
                for d in declared[seal.uppercased()] ?? [] {
                    if watches[d.number] == nil {
                        if history != nil {
                            findings += restore(d, past: pasts.removeValue(forKey: d.number) ?? nil)
                        } else if let w = TransitWatch(declaration: d, routes: routes) {
                            watches[d.number] = Watched(watch: w, seal: seal)
                            drawNew(w, d, seal: seal)
                        }
                    }
                    guard var entry = watches[d.number], !entry.replayed.contains(e.id) else { continue }
                    let found = Self.feed(&entry.watch, e)
                    watches[d.number] = entry
                    findings += found.map { ($0, d.number, seal) }
                    shared.draw(d.number, closed: entry.watch.closed) { old in
                        var p = old
                        if let fix = e.gpsFix { p?.fix(lat: fix.lat, lon: fix.lon, at: e.observedAt) }
                        for f in found { p?.apply(f) }
                        return p
                    }
                }
            }
        }
        return events(for: findings)
    }

    public mutating func tick(now: Date) async -> IngestBatch {
        var findings: [(TransitWatch.Finding, String, String)] = []
        for (number, var entry) in watches {
            let found = entry.watch.tick(now)
            findings += found.map { ($0, number, entry.seal) }
            // With a history a closed watch is kept, so its seal's later reports do not restore it
            // again; it goes two days after its due time (a report then restores it, closed).
            let kept = history != nil && now.timeIntervalSince(entry.watch.end) < TransitHistory.overdueFor
            watches[number] = entry.watch.closed && !kept ? nil : entry
            shared.draw(number, closed: entry.watch.closed) { old in
                var p = old
                for f in found { p?.apply(f) }
                return p
            }
        }
        return events(for: findings)
    }

    /// What is stored about each of `declarations` (nil where the store could not be read), read
    /// side by side: a take may meet a hundred transits new to the stage, and their reads one after
    /// the other kept the stage waiting for seconds while 10,000 seals reported.
    private func storedHistories(of declarations: some Sequence<Declaration>) async -> [String: [InspectionEvent]?] {
        guard let history else { return [:] }
        var byNumber: [String: Declaration] = [:]
        for d in declarations { byNumber[d.number] = d }
        guard !byNumber.isEmpty else { return [:] }
        return await withTaskGroup(of: (String, [InspectionEvent]?).self) { group in
            var pending = byNumber.values.makeIterator()
            var out: [String: [InspectionEvent]?] = [:]
            // A few at once: the store's readers are few, and the rest would only queue for them.
            for _ in 0..<Self.historyReadsAtOnce {
                guard let d = pending.next() else { break }
                group.addTask { (d.number, await history.stored(d)) }
            }
            while let (number, past) = await group.next() {
                out[number] = .some(past)
                if let d = pending.next() { group.addTask { (d.number, await history.stored(d)) } }
            }
            return out
        }
    }

    /// Transits' histories read at once when a take meets several new ones.
    static let historyReadsAtOnce = 8

    /// Rebuilds the watch of `d` from what is stored about it and returns what replaying it finds
    /// that was not stored. A store that cannot be read leaves the watch out, to be tried again at
    /// the seal's next report. `unlessUnheard`: not for a transit whose seals have not reported and
    /// which has no findings, which an uninterrupted hub would not be watching yet either.
    private mutating func restore(_ d: Declaration, from history: TransitHistory, unlessUnheard: Bool = false) async
        -> [(TransitWatch.Finding, String, String)]
    {
        restore(d, past: await history.stored(d), unlessUnheard: unlessUnheard)
    }

    /// `restore(_:from:unlessUnheard:)` with what is stored about `d` already read (`past`).
    private mutating func restore(_ d: Declaration, past: [InspectionEvent]?, unlessUnheard: Bool = false)
        -> [(TransitWatch.Finding, String, String)]
    {
        guard var w = TransitWatch(declaration: d, routes: routes), let past else { return [] }
        let seals = Set(d.seals.map { $0.uppercased() })
        var sequence: [TransitWatch.Stored] = []
        var stored: [TransitWatch.Finding] = []
        var fixes: [InspectionEvent] = []
        var findingSeal: String?
        var reportSeal: String?
        for e in past {
            if let f = Self.finding(e) {
                sequence.append(.finding(f))
                stored.append(f)
                findingSeal = e.subject.seals?.first ?? findingSeal
                continue
            }
            // Fed once for each of the transit's seals it names, as `take` does.
            let named = Self.seals(of: e).filter { seals.contains($0.uppercased()) }
            guard let r = Self.report(e), let first = named.first else { continue }
            sequence += Array(repeating: .report(r), count: named.count)
            reportSeal = reportSeal ?? first
            if e.gpsFix != nil { fixes.append(e) }
        }
        if unlessUnheard && sequence.isEmpty { return [] }
        let seal = findingSeal ?? reportSeal ?? d.seals.first ?? ""
        let new = w.restore(sequence)
        let recent = Date().addingTimeInterval(-Self.replayedKept)
        let replayed = Set(past.filter { !$0.kind.hasPrefix("transit.") && $0.receivedAt >= recent }.map(\.id))
        watches[d.number] = Watched(watch: w, seal: seal, replayed: replayed)
        drawNew(w, d, seal: seal)
        // The track and the findings in the order they came: a finding after the fix that made it.
        shared.draw(d.number, closed: w.closed) { old in
            guard var p = old else { return nil }
            var findings = (stored + new).sorted { $0.at < $1.at }[...]
            for e in fixes {
                while let f = findings.first, f.at < e.observedAt { p.apply(findings.removeFirst()) }
                if let fix = e.gpsFix { p.fix(lat: fix.lat, lon: fix.lon, at: e.observedAt) }
            }
            for f in findings { p.apply(f) }
            return p
        }
        return new.map { ($0, d.number, seal) }
    }

    /// A stored `transit.*` event as the finding it stands for.
    private static func finding(_ e: InspectionEvent) -> TransitWatch.Finding? {
        guard e.kind.hasPrefix("transit."), let kind = TransitWatch.Finding.Kind(rawValue: String(e.kind.dropFirst("transit.".count)))
        else { return nil }
        let p = e.transitFinding
        return TransitWatch.Finding(
            kind: kind, at: e.observedAt, severity: e.severity, lat: p?.lat, lon: p?.lon, distanceM: p?.distanceM, detail: p?.detail ?? "")
    }

    private static func report(_ e: InspectionEvent) -> TransitWatch.Report? {
        if let fix = e.gpsFix { return .fix(lat: fix.lat, lon: fix.lon, speedKmh: fix.speedKmh, at: e.observedAt) }
        if let seal = e.sealStatus { return .seal(status: seal.status.rawValue, lat: seal.lat, lon: seal.lon, at: e.observedAt) }
        return nil
    }

    /// A new watch's picture on the map, before any position.
    private func drawNew(_ w: TransitWatch, _ d: Declaration, seal: String) {
        shared.draw(d.number) { _ in
            TransitPicture(watch: w, seal: seal, origin: d.transit?.origin ?? "", destination: d.transit?.destination ?? "")
        }
    }

    /// The seals an event speaks of. A tracking e-seal that names no seal in its positions (GT06
    /// location packets) is its own seal: its unit id is the seal number.
    static func seals(of e: InspectionEvent) -> [String] {
        if let seals = e.subject.seals, !seals.isEmpty { return seals }
        return e.device.family == ESealFamily.family.name && !e.device.id.isEmpty ? [e.device.id] : []
    }

    private static func feed(_ w: inout TransitWatch, _ e: InspectionEvent) -> [TransitWatch.Finding] {
        report(e).map { w.feed($0) } ?? []
    }

    private func events(for findings: [(TransitWatch.Finding, String, String)]) -> IngestBatch {
        var batch = IngestBatch()
        guard !findings.isEmpty else { return batch }
        let now = Date()
        for (f, declaration, seal) in findings {
            let payload = TransitFindingPayload(
                finding: f.kind.rawValue, detail: f.detail, lat: f.lat, lon: f.lon, distanceM: f.distanceM)
            let statement = "{\"transit\":\"\(declaration)\",\"seal\":\"\(seal)\",\"finding\":\"\(f.kind.rawValue)\",\"at\":\"\(Timestamp.format(f.at))\"}\n"
            let event = InspectionEvent(
                id: ids.next(at: now), kind: EventKind.transit(f.kind.rawValue),
                device: DeviceRef(id: "transits", profile: "transit-watch", family: "transit"), site: nil, lane: nil,
                observedAt: f.at, receivedAt: now, subject: Subject(seals: [seal], declaration: declaration), payload: payload.payload,
                severity: f.severity, raw: HubAuthored.unrecorded)
            batch.append(HubAuthored.batch(event, statement: statement, format: "niihub-transit", deviceID: "transits", at: now))
        }
        return batch
    }
}

extension StageRunner where Stage == TransitStage {
    /// The transits being watched, for the map: corridor, recent track, status.
    public func active() -> [TransitPicture] { shared.active() }

    /// A declaration was created, amended or cancelled: seals are looked up afresh.
    public func declarationChanged(_ number: String) { shared.declarationChanged(number) }
}
