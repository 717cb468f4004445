import Foundation
import HubModel

/// One gate (site) as a central hub sees it: what its forwarded events say about the last hours,
/// and the state of its uplink. Counts are at the moment the figures were made.
public struct GateFigures: Sendable, Equatable {
    public var site: String
    /// Devices whose latest `device.status` of the last 24 h says `online`.
    public var devicesOnline = 0
    /// Devices with a `device.status` (a health change the hub wrote) in the last 24 h.
    public var devicesReporting = 0
    /// Events of severity alarm observed in the last 24 h.
    public var alarmsLastDay = 0
    /// Passages (distinct passage ids, whatever their revisions) observed in the last hour.
    public var passagesLastHour = 0
    /// Scan results of the last 7 days without a final image verdict (the review queue's window).
    public var scansAwaitingReview = 0
    /// Seals of the active transit declarations of the site that have begun and not arrived.
    public var sealsInTransit = 0
    /// Transits with a corridor deviation in the last 24 h not followed by their return.
    public var deviationsOpen = 0
    /// The uplink, when the site forwards here (nil: its events reach this store another way).
    public var uplink: Uplink?

    public init(site: String) { self.site = site }

    /// The count of `figure`.
    public subscript(figure: NationalFigure) -> Int {
        get {
            switch figure {
            case .devicesOnline: devicesOnline
            case .devicesReporting: devicesReporting
            case .alarmsLastDay: alarmsLastDay
            case .passagesLastHour: passagesLastHour
            case .scansAwaitingReview: scansAwaitingReview
            case .sealsInTransit: sealsInTransit
            case .deviationsOpen: deviationsOpen
            }
        }
        set {
            switch figure {
            case .devicesOnline: devicesOnline = newValue
            case .devicesReporting: devicesReporting = newValue
            case .alarmsLastDay: alarmsLastDay = newValue
            case .passagesLastHour: passagesLastHour = newValue
            case .scansAwaitingReview: scansAwaitingReview = newValue
            case .sealsInTransit: sealsInTransit = newValue
            case .deviationsOpen: deviationsOpen = newValue
            }
        }
    }

    /// What the central holds of a forwarding gate, and what the gate last said of its backlog.
    public struct Uplink: Sendable, Equatable {
        /// The gate position through which the central holds every event.
        public var through: Int64
        public var batches: Int
        /// When the last batch was taken (nil: the gate has only reported its status).
        public var lastBatchAt: Date?
        /// Events waiting at the gate, as last reported (nil: the gate does not report it).
        public var backlog: Int?
        public var oldestWaitingAt: Date?
        /// When the gate last reported its backlog (a batch or an idle status).
        public var reportedAt: Date?

        public init(through: Int64, batches: Int, lastBatchAt: Date?, backlog: Int?, oldestWaitingAt: Date?, reportedAt: Date?) {
            self.through = through
            self.batches = batches
            self.lastBatchAt = lastBatchAt
            self.backlog = backlog
            self.oldestWaitingAt = oldestWaitingAt
            self.reportedAt = reportedAt
        }

        /// How far the central is behind the gate at `now`: the age of the oldest event still
        /// waiting there (0 with nothing waiting; nil when the gate does not report its backlog).
        public func lagS(now: Date) -> Double? {
            guard let backlog else { return nil }
            guard backlog > 0, let oldestWaitingAt else { return 0 }
            return max(0, now.timeIntervalSince(oldestWaitingAt))
        }
    }
}

/// A lane of a gate: its latest passage and its last occupancy (by the time observed).
public struct LaneSnapshot: Sendable {
    public var lane: String
    public var passage: InspectionEvent?
    public var occupancy: InspectionEvent?

    public init(lane: String, passage: InspectionEvent? = nil, occupancy: InspectionEvent? = nil) {
        self.lane = lane
        self.passage = passage
        self.occupancy = occupancy
    }
}

/// One count of `GateFigures`, as the statements name it.
public enum NationalFigure: String, Sendable, CaseIterable {
    case devicesOnline, devicesReporting, alarmsLastDay, passagesLastHour, scansAwaitingReview, sealsInTransit, deviationsOpen
}

/// The statements behind `nationalFigures`, written once for both stores: each answers rows of
/// (site, count) for one figure.
public enum NationalStatements {
    /// The review queue's window (`ReviewRoutes.windowS`): scans older than this are not awaited.
    public static let reviewWindowS: Double = 7 * 86_400

    /// Each figure with the statement counting it per site at `now`.
    public static func counts(_ d: SQLDialect, now: Date) -> [(NationalFigure, SQLStatement)] {
        let day = Timestamp.format(now.addingTimeInterval(-86_400))
        let hour = Timestamp.format(now.addingTimeInterval(-3600))
        let week = Timestamp.format(now.addingTimeInterval(-reviewWindowS))
        return [
            (.devicesOnline, devices(d, since: day, onlineOnly: true)),
            (.devicesReporting, devices(d, since: day, onlineOnly: false)),
            (.alarmsLastDay, statement(d) { s in
                "SELECT site, COUNT(*) FROM events WHERE severity = \(s.bind(Severity.alarm.rawValue)) AND observed_at >= \(s.bind(day)) AND site IS NOT NULL GROUP BY site"
            }),
            (.passagesLastHour, statement(d) { s in
                "SELECT site, COUNT(DISTINCT \(d.jsonPath("body", "data", "passage"))) FROM events WHERE kind = \(s.bind(EventKind.passage)) AND observed_at >= \(s.bind(hour)) AND site IS NOT NULL GROUP BY site"
            }),
            // The review queue's "not done": no verdict marked final (ReviewQueue.state).
            (.scansAwaitingReview, statement(d) { s in
                let scanEvent = d.jsonPath("v.body", "data", "scanEvent")
                return """
                    SELECT s.site, COUNT(*) FROM events s WHERE s.kind = \(s.bind(EventKind.scanResult)) AND s.observed_at >= \(s.bind(week))
                    AND s.site IS NOT NULL AND s.id NOT IN (
                        SELECT \(scanEvent) FROM events v WHERE v.kind = \(s.bind(EventKind.scanVerdict)) AND v.observed_at >= \(s.bind(week))
                        AND \(scanEvent) IS NOT NULL AND \(d.jsonTrue("v.body", "data", "final")))
                    GROUP BY s.site
                    """
            }),
            (.sealsInTransit, statement(d) { s in
                let site = d.jsonPath("d.body", "site")
                return """
                    SELECT \(site), SUM(\(d.jsonArrayLength("d.body", "seals"))) FROM declarations d
                    WHERE d.version = (SELECT MAX(x.version) FROM declarations x WHERE x.number = d.number)
                    AND d.status = 'active' AND \(d.jsonPath("d.body", "type")) = 'transit' AND \(site) IS NOT NULL
                    AND \(d.jsonPath("d.body", "transit", "start")) <= \(s.bind(Timestamp.format(now)))
                    AND d.number NOT IN (
                        SELECT \(d.jsonPath("body", "subject", "declaration")) FROM events
                        WHERE kind = \(s.bind(EventKind.transit("arrived"))) AND \(d.jsonPath("body", "subject", "declaration")) IS NOT NULL)
                    GROUP BY \(site)
                    """
            }),
            // The watch writes its findings without a site: a transit belongs to its declaration's site.
            (.deviationsOpen, statement(d) { s in
                let declaration = d.jsonPath("e.body", "subject", "declaration")
                return """
                    SELECT gate, COUNT(DISTINCT declaration) FROM (
                        SELECT COALESCE(e.site, (SELECT \(d.jsonPath("d.body", "site")) FROM declarations d WHERE d.number = \(declaration)
                            ORDER BY d.version DESC LIMIT 1)) AS gate, \(declaration) AS declaration
                        FROM events e WHERE e.kind = \(s.bind(EventKind.transitDeviation)) AND e.observed_at >= \(s.bind(day))
                        AND NOT EXISTS (SELECT 1 FROM events r WHERE r.kind = \(s.bind(EventKind.transit("returned"))) AND r.seq > e.seq
                            AND \(d.jsonPath("r.body", "subject", "declaration")) = \(declaration))) t
                    WHERE gate IS NOT NULL AND declaration IS NOT NULL GROUP BY gate
                    """
            }),
        ]
    }

    /// Devices per site by their latest health change of the window (the hub's `state`; a
    /// tracker's own reports carry no state and are not counted).
    private static func devices(_ d: SQLDialect, since: String, onlineOnly: Bool) -> SQLStatement {
        statement(d) { s in
            let state = d.jsonPath("body", "data", "state")
            return """
                SELECT site, COUNT(*) FROM (
                    SELECT site, \(state) AS state, ROW_NUMBER() OVER (PARTITION BY site, device_id ORDER BY observed_at DESC, seq DESC) AS r
                    FROM events WHERE kind = \(s.bind(EventKind.deviceStatus)) AND observed_at >= \(s.bind(since))
                    AND site IS NOT NULL AND \(state) IS NOT NULL) t
                WHERE r = 1\(onlineOnly ? " AND state = \(s.bind(DeviceStatus.State.online.rawValue))" : "") GROUP BY site
                """
        }
    }

    /// Each lane of `site` with its latest passage and last occupancy: rows of (kind, body).
    public static func lanes(_ d: SQLDialect, site: String) -> SQLStatement {
        statement(d) { s in
            """
            SELECT kind, body FROM (
                SELECT kind, body, ROW_NUMBER() OVER (PARTITION BY lane, kind ORDER BY observed_at DESC, seq DESC) AS r FROM events
                WHERE site = \(s.bind(site)) AND kind IN (\(s.bind(EventKind.passage)), \(s.bind(EventKind.occupancy))) AND lane IS NOT NULL) t
            WHERE r = 1
            """
        }
    }

    /// The lanes from the rows of `lanes`, in lane order.
    public static func snapshots(_ rows: [(kind: String, body: String)]) throws -> [LaneSnapshot] {
        var byLane: [String: LaneSnapshot] = [:]
        for row in rows {
            let e = try JSONDecoder().decode(InspectionEvent.self, from: Data(row.body.utf8))
            guard let lane = e.lane else { continue }
            var snap = byLane[lane] ?? LaneSnapshot(lane: lane)
            if row.kind == EventKind.passage { snap.passage = e } else { snap.occupancy = e }
            byLane[lane] = snap
        }
        return byLane.values.sorted { $0.lane.localizedStandardCompare($1.lane) == .orderedAscending }
    }

    private static func statement(_ d: SQLDialect, _ build: (inout SQLStatement) -> String) -> SQLStatement {
        var s = SQLStatement(d)
        let sql = build(&s)
        s.append(sql)
        return s
    }
}

/// The figures of every site, filled figure by figure and from the uplinks.
public struct NationalSheet: Sendable {
    private var gates: [String: GateFigures] = [:]

    public init() {}

    public mutating func add(_ site: String, _ figure: NationalFigure, _ count: Int) {
        gates[site, default: GateFigures(site: site)][figure] = count
    }

    public mutating func add(_ site: String, uplink: GateFigures.Uplink) {
        gates[site, default: GateFigures(site: site)].uplink = uplink
    }

    /// Every site, by name.
    public var figures: [GateFigures] { gates.values.sorted { $0.site < $1.site } }
}

extension SQLDialect {
    /// A text member at `path` of the JSON document in `column` (NULL when absent). On PostgreSQL
    /// in the "C" collation, so it compares with the store's "C" columns.
    func jsonPath(_ column: String, _ path: String...) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(path.joined(separator: "."))')"
        case .postgres: "(((\(column))::jsonb #>> '{\(path.joined(separator: ","))}') COLLATE \"C\")"
        }
    }

    /// Whether the member at `path` is JSON true.
    func jsonTrue(_ column: String, _ path: String...) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(path.joined(separator: "."))') = 1"
        case .postgres: "((\(column))::jsonb #> '{\(path.joined(separator: ","))}') = 'true'::jsonb"
        }
    }

    /// The length of the JSON array at the top-level `member` (0 when absent).
    func jsonArrayLength(_ column: String, _ member: String) -> String {
        switch self {
        case .sqlite: "COALESCE(json_array_length(\(column), '$.\(member)'), 0)"
        case .postgres: "COALESCE(jsonb_array_length((\(column))::jsonb -> '\(member)'), 0)"
        }
    }
}
