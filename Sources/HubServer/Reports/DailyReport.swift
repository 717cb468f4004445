import Foundation
import HubCorrelation
import HubStore

/// One site's day, lane by lane: what a shift supervisor reads the next morning. Counts come from the store's
/// events of that local day (midnight to midnight in the site's zone), each passage at its newest revision.
public struct DailyReport: Sendable {
    /// The local day, `2026-12-05`.
    public var day: String
    public var site: String
    /// The zone the day is in (`console.timeZone`).
    public var zone: TimeZone
    /// The day's first and last instants (local midnight to the next).
    public var start: Date
    public var end: Date
    public var generatedAt: Date
    /// Lanes in name order; a lane appears when it had a passage, an alarm, a scan or a configured device.
    public var lanes: [Lane]
    /// True when the day held more passages than one report reads (`TimeReleaseRoutes.maxPassages`).
    public var truncated: Bool
    /// The lanes a subscriber's copy was cut to (`only(lanes:)`); nil: the whole site.
    public var lanesAsked: [String]? = nil

    public struct Lane: Sendable {
        public var lane: String
        public var passages: Int
        /// Passages with an alarm among their evidence.
        public var alarmedPassages: Int
        /// Alarm events of the lane's devices (severity alarm).
        public var alarms: Int
        /// The alarms' latest adjudication code (`real`, `norm`, `false`, `test`, `tamper-fault`); `none` for
        /// alarms not adjudicated, `outcome-only` for those adjudicated with an outcome and no code.
        public var alarmsByCode: [String: Int]
        public var scans: Int
        /// Final image verdicts given that day on the lane's scans: `clear`, `suspect`, `inspect`.
        public var verdicts: [String: Int]
        public var devices: [DeviceAvailability]
        public var timeRelease: TimeReleaseFigures.Measures
    }

    /// The codes an alarm's count is kept under, in the order a report lists them.
    public static let codes = Adjudication.Code.allCases.map(\.rawValue) + ["outcome-only", "none"]
    public static let verdictNames = ["clear", "suspect", "inspect"]

    /// The report of `lanes` only, for a subscriber who follows those (`reports.subscribers[].lanes`): their
    /// sections, in the report's order; a lane with nothing that day has no section, as in the site's report.
    /// Nil: the whole site's report.
    public func only(lanes: [String]?) -> DailyReport {
        guard let lanes else { return self }
        var cut = self
        cut.lanes = self.lanes.filter { lanes.contains($0.lane) }
        cut.lanesAsked = lanes
        return cut
    }

    /// `05/12/2026`: a day named `2026-12-05` as people at the gate write it, in both languages.
    public static func shown(day: String) -> String {
        let parts = day.split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : day
    }
}

/// How long a device was available (online) within the part of a day the hub knew its state.
public struct DeviceAvailability: Sendable, Equatable {
    public var device: String
    /// Seconds of the day the hub knew the device's state (from its first known state to the day's end, or now).
    public var knownSeconds: TimeInterval
    /// Seconds of those it was online.
    public var onlineSeconds: TimeInterval
    /// How many times it went from online to another state.
    public var outages: Int

    /// `onlineSeconds / knownSeconds`; nil when nothing was known.
    public var share: Double? { knownSeconds > 0 ? onlineSeconds / knownSeconds : nil }

    public init(device: String, knownSeconds: TimeInterval, onlineSeconds: TimeInterval, outages: Int) {
        self.device = device
        self.knownSeconds = knownSeconds
        self.onlineSeconds = onlineSeconds
        self.outages = outages
    }

    /// The availability over `from..<to` given the state in force at `from` (nil: unknown until the first
    /// change) and the changes within, oldest first. A state holds until the next change.
    public init(device: String, from: Date, to: Date, initial: Bool?, changes: [(at: Date, online: Bool)]) {
        var known = 0.0, online = 0.0, outages = 0
        var state = initial
        var since = from
        for change in changes where change.at >= from && change.at < to {
            if let s = state {
                known += change.at.timeIntervalSince(since)
                if s { online += change.at.timeIntervalSince(since) }
                if s && !change.online { outages += 1 }
            }
            state = change.online
            since = change.at
        }
        if let s = state, to > since {
            known += to.timeIntervalSince(since)
            if s { online += to.timeIntervalSince(since) }
        }
        self.init(device: device, knownSeconds: known, onlineSeconds: online, outages: outages)
    }
}
