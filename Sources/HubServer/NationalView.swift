import Foundation
import HubModel
import HubSite
import HubStore

/// The answer of `GET /api/v1/national`: departments as configured, each with its gates' figures
/// and their sums, then the forwarding sites no department lists ("unassigned").
struct NationalView: Encodable {
    var generatedAt: Date
    var alarmsMeaning = NationalRoutes.alarmsMeaning
    var departments: [Department]

    /// Counts that add up across gates; the lag of a department is its slowest gate's.
    struct Figures: Encodable, Equatable {
        var devicesOnline = 0
        var devicesReporting = 0
        var alarmsLastDay = 0
        var passagesLastHour = 0
        var scansAwaitingReview = 0
        var sealsInTransit = 0
        var deviationsOpen = 0
        var backlog: Int?
        var lagS: Double?

        init() {}

        init(_ g: GateFigures, now: Date) {
            devicesOnline = g.devicesOnline
            devicesReporting = g.devicesReporting
            alarmsLastDay = g.alarmsLastDay
            passagesLastHour = g.passagesLastHour
            scansAwaitingReview = g.scansAwaitingReview
            sealsInTransit = g.sealsInTransit
            deviationsOpen = g.deviationsOpen
            backlog = g.uplink?.backlog
            lagS = g.uplink?.lagS(now: now)
        }

        mutating func add(_ o: Figures) {
            devicesOnline += o.devicesOnline
            devicesReporting += o.devicesReporting
            alarmsLastDay += o.alarmsLastDay
            passagesLastHour += o.passagesLastHour
            scansAwaitingReview += o.scansAwaitingReview
            sealsInTransit += o.sealsInTransit
            deviationsOpen += o.deviationsOpen
            if let b = o.backlog { backlog = (backlog ?? 0) + b }
            if let l = o.lagS { lagS = max(lagS ?? 0, l) }
        }
    }

    struct Gate: Encodable {
        var site: String
        /// Whether anything of the gate is here (a configured gate may never have forwarded).
        var heard: Bool
        /// Whether the gate forwards here (else its events reach this store another way).
        var forwarding: Bool
        var figures: Figures
        var through: Int64?
        var batches: Int?
        var lastBatchAt: Date?
        var oldestWaitingAt: Date?
        var reportedAt: Date?

        init(site: String, _ g: GateFigures?, now: Date) {
            self.site = site
            heard = g != nil
            forwarding = g?.uplink != nil
            figures = g.map { Figures($0, now: now) } ?? Figures()
            through = g?.uplink?.through
            batches = g?.uplink?.batches
            lastBatchAt = g?.uplink?.lastBatchAt
            oldestWaitingAt = g?.uplink?.oldestWaitingAt
            reportedAt = g?.uplink?.reportedAt
        }

        enum CodingKeys: String, CodingKey { case site, heard, forwarding, through, batches, lastBatchAt, oldestWaitingAt, reportedAt }

        /// The figures flat beside the gate's own fields, as the page reads them.
        func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(site, forKey: .site)
            try c.encode(heard, forKey: .heard)
            try c.encode(forwarding, forKey: .forwarding)
            try c.encodeIfPresent(through, forKey: .through)
            try c.encodeIfPresent(batches, forKey: .batches)
            try c.encodeIfPresent(lastBatchAt, forKey: .lastBatchAt)
            try c.encodeIfPresent(oldestWaitingAt, forKey: .oldestWaitingAt)
            try c.encodeIfPresent(reportedAt, forKey: .reportedAt)
        }
    }

    struct Department: Encodable {
        /// The department's code; `unassigned` for the gates no department lists.
        var id: String
        var name: String?
        var unassigned: Bool
        var totals: Figures
        var gates: [Gate]

        init(id: String, name: String?, unassigned: Bool, gates: [Gate]) {
            self.id = id
            self.name = name
            self.unassigned = unassigned
            self.gates = gates
            totals = Figures()
            for g in gates { totals.add(g.figures) }
        }
    }

    init(_ config: NationalConfig, _ figures: [GateFigures], now: Date) {
        generatedAt = now
        let bySite = Dictionary(figures.map { ($0.site, $0) }) { a, _ in a }
        departments = config.departments.map { d in
            Department(id: d.id, name: d.name, unassigned: false, gates: d.gates.map { Gate(site: $0, bySite[$0], now: now) })
        }
        let listed = Set(config.departments.flatMap(\.gates))
        let rest = figures.filter { !listed.contains($0.site) }
        if !rest.isEmpty {
            departments.append(
                Department(id: "unassigned", name: nil, unassigned: true, gates: rest.map { Gate(site: $0.site, $0, now: now) }))
        }
    }

    /// A lane of the drill-down: its latest passage and last occupancy, in brief.
    struct Lane: Encodable {
        struct Passage: Encodable {
            var event: String
            var passage: String?
            var observedAt: Date
            var alarmed: Bool
            var containers: [String]?
            var plates: [String]?
        }
        struct Occupancy: Encodable {
            var event: String
            var observedAt: Date
            var severity: Severity
        }
        var lane: String
        var passage: Passage?
        var occupancy: Occupancy?

        init(_ s: LaneSnapshot) {
            lane = s.lane
            // Read from the event's data, so a passage written by another version of the hub still shows.
            passage = s.passage.map { e in
                var id: String?
                if case .string(let p)? = e.data["passage"] { id = p }
                var alarmed = e.severity == .alarm
                if case .bool(let a)? = e.data["alarmed"] { alarmed = a }
                return Passage(
                    event: e.id, passage: id, observedAt: e.observedAt, alarmed: alarmed, containers: e.subject.containers,
                    plates: e.subject.plates)
            }
            occupancy = s.occupancy.map { Occupancy(event: $0.id, observedAt: $0.observedAt, severity: $0.severity) }
        }
    }
}
