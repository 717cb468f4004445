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

        /// The transit declarations naming `seal`, from the cache or the store. A failed lookup is
        /// not cached, so the seal's next report asks again.
        func transitDeclarations(seal: String) async -> [Declaration] {
            let (generation, cached) = bySeal.withLock { ($0.generation, $0.map[seal]) }
            if let cached { return cached }
            guard let all = try? await declarations.declarations(withKey: "seal", value: seal) else { return [] }
            let found = all.filter { $0.type == .transit }
            bySeal.withLock { c in
                guard c.generation == generation else { return }
                if c.map.count >= Self.sealCacheLimit { c.map.removeAll(keepingCapacity: true) }
                c.map[seal] = found
            }
            return found
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
    private var watches: [String: (watch: TransitWatch, seal: String)] = [:]

    public init(declarations: any DeclarationStore, routes: [String: [[Double]]] = [:], ids: EventIDGenerator, tick: Duration = .seconds(10)) {
        shared = Board(declarations: declarations)
        self.routes = routes
        self.ids = ids
        tickInterval = tick
    }

    /// Seal positions and reports.
    public static func work(from events: [InspectionEvent]) -> StoredEvents? {
        let relevant = events.filter { ($0.kind == EventKind.gpsFix || $0.kind == EventKind.sealStatus) && !seals(of: $0).isEmpty }
        return relevant.isEmpty ? nil : StoredEvents(relevant)
    }

    public mutating func take(_ work: StoredEvents) async -> IngestBatch {
        var findings: [(TransitWatch.Finding, String, String)] = []
        for e in work.events {
            for seal in Self.seals(of: e) {
                for d in await shared.transitDeclarations(seal: seal.uppercased()) {
                    if watches[d.number] == nil, let w = TransitWatch(declaration: d, routes: routes) {
                        watches[d.number] = (w, seal)
                        shared.draw(d.number) { _ in
                            TransitPicture(
                                watch: w, seal: seal, origin: d.transit?.origin ?? "", destination: d.transit?.destination ?? "")
                        }
                    }
                    guard var entry = watches[d.number] else { continue }
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
            watches[number] = entry.watch.closed ? nil : entry
            shared.draw(number, closed: entry.watch.closed) { old in
                var p = old
                for f in found { p?.apply(f) }
                return p
            }
        }
        return events(for: findings)
    }

    /// The seals an event speaks of. A tracking e-seal that names no seal in its positions (GT06
    /// location packets) is its own seal: its unit id is the seal number.
    static func seals(of e: InspectionEvent) -> [String] {
        if let seals = e.subject.seals, !seals.isEmpty { return seals }
        return e.device.family == ESealFamily.family.name && !e.device.id.isEmpty ? [e.device.id] : []
    }

    private static func feed(_ w: inout TransitWatch, _ e: InspectionEvent) -> [TransitWatch.Finding] {
        if let fix = e.gpsFix { return w.fix(lat: fix.lat, lon: fix.lon, speedKmh: fix.speedKmh, at: e.observedAt) }
        if let seal = e.sealStatus { return w.seal(status: seal.status.rawValue, lat: seal.lat, lon: seal.lon, at: e.observedAt) }
        return []
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
