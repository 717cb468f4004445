import Foundation
import HubCorrelation
import HubModel
import HubStore

/// Reads one local day of a site from the store into a `DailyReport`.
public struct DailyReportBuilder: Sendable {
    let store: any EventStore
    let declarations: (any DeclarationStore)?
    let adjudications: (any AdjudicationStore)?
    let site: String
    let zone: TimeZone
    /// The configured devices of each lane: they are reported even on a day they said nothing.
    let laneDevices: [String: [String]]

    /// Events of one kind read per day at most (alarms, scans, verdicts, status changes): a bound on one report's work.
    static let maxEvents = 20_000

    public init(
        store: any EventStore, declarations: (any DeclarationStore)?, adjudications: (any AdjudicationStore)?, site: String,
        zone: TimeZone, laneDevices: [String: [String]]
    ) {
        self.store = store
        self.declarations = declarations
        self.adjudications = adjudications
        self.site = site
        self.zone = zone
        self.laneDevices = laneDevices
    }

    /// The report of the local day containing `day`; device availability counts up to `now` when the day is not over.
    public func build(day: Date, now: Date = Date()) async throws -> DailyReport {
        let schedule = ReportSchedule(hour: 0, zone: zone)
        let start = schedule.startOfDay(day), end = schedule.nextDay(day)
        var window = EventQuery()
        window.site = site
        window.since = start
        window.until = end
        let (stamps, truncated) = try await TimeReleaseRoutes(store: store, declarationStore: declarations).stamps(window)
        let alarms = try await events(window, severity: .alarm)
        let scans = try await events(window, kind: EventKind.scanResult)
        let verdicts = try await events(window, kind: EventKind.scanVerdict).filter { $0.scanVerdict?.final == true }
        var latest: [String: Adjudication] = [:]
        if let adjudications, !alarms.isEmpty {
            for a in try await adjudications.adjudications(eventIDs: alarms.map(\.id)) { latest[a.eventID] = a }
        }
        let statuses = try await events(window, kind: EventKind.deviceStatus)

        var lanes = Set(laneDevices.keys)
        lanes.formUnion(stamps.compactMap(\.lane))
        lanes.formUnion((alarms + scans + verdicts).compactMap(\.lane))
        let availabilityEnd = min(end, max(now, start))
        var rows: [DailyReport.Lane] = []
        for lane in lanes.sorted() {
            let mine = stamps.filter { $0.lane == lane }
            var byCode = Dictionary(uniqueKeysWithValues: DailyReport.codes.map { ($0, 0) })
            let laneAlarms = alarms.filter { $0.lane == lane }
            for a in laneAlarms {
                let code = latest[a.id].map { $0.code?.rawValue ?? "outcome-only" } ?? "none"
                byCode[code, default: 0] += 1
            }
            var verdictCounts = Dictionary(uniqueKeysWithValues: DailyReport.verdictNames.map { ($0, 0) })
            for v in verdicts where v.lane == lane { verdictCounts[v.scanVerdict?.verdict.rawValue ?? "", default: 0] += 1 }
            let seen = statuses.filter { $0.lane == lane }.map(\.device.id)
            let devices = Set((laneDevices[lane] ?? []) + seen).sorted()
            var availability: [DeviceAvailability] = []
            for device in devices {
                availability.append(try await self.availability(device, from: start, to: availabilityEnd, changes: statuses))
            }
            rows.append(
                DailyReport.Lane(
                    lane: lane, passages: mine.count, alarmedPassages: mine.filter(\.alarmed).count, alarms: laneAlarms.count,
                    alarmsByCode: byCode, scans: scans.filter { $0.lane == lane }.count, verdicts: verdictCounts,
                    devices: availability, timeRelease: TimeReleaseFigures.Measures(mine)))
        }
        return DailyReport(
            day: schedule.name(start), site: site, zone: zone, start: start, end: end, generatedAt: now, lanes: rows,
            truncated: truncated)
    }

    /// The window's events of a kind (or severity), oldest first, up to `maxEvents`.
    private func events(_ window: EventQuery, kind: String? = nil, severity: Severity? = nil) async throws -> [InspectionEvent] {
        var q = window
        q.kind = kind
        q.severity = severity
        q.limit = EventQuery.maxLimit
        var all: [InspectionEvent] = []
        while all.count < Self.maxEvents {
            let page = try await store.events(q)
            all += page.events
            guard let next = page.next else { break }
            q.cursor = next
        }
        return all
    }

    /// The device's time online within the window, from its status changes and the last one before the window.
    private func availability(_ device: String, from: Date, to: Date, changes: [InspectionEvent]) async throws -> DeviceAvailability {
        var before = EventQuery()
        before.kind = EventKind.deviceStatus
        before.device = device
        before.until = from
        before.newestFirst = true
        before.limit = 1
        let initial = try await store.events(before).events.first?.deviceStatus?.state.map { $0 == .online }
        let mine = changes.filter { $0.device.id == device }.compactMap { e in
            e.deviceStatus?.state.map { (at: e.observedAt, online: $0 == .online) }
        }
        return DeviceAvailability(device: device, from: from, to: to, initial: initial, changes: mine)
    }
}
