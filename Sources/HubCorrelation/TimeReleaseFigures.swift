import Foundation

/// p50/p90 of time-release dwells, grouped by period, lane and channel.
public struct TimeReleaseFigures: Sendable, Equatable {
    /// How passages are bucketed in time.
    public enum Period: String, Sendable, CaseIterable {
        case hour, day
    }

    /// p50 and p90 (nearest rank) of the seconds seen, and how many passages had the figure or lacked it.
    public struct Spread: Sendable, Equatable {
        public var count: Int
        public var missing: Int
        public var p50: TimeInterval?
        public var p90: TimeInterval?

        public init(count: Int, missing: Int, p50: TimeInterval?, p90: TimeInterval?) {
            self.count = count
            self.missing = missing
            self.p50 = p50
            self.p90 = p90
        }

        /// The spread of the present values; `absent` counts passages without one.
        public init(_ values: [TimeInterval], absent: Int) {
            let sorted = values.sorted()
            self.init(count: sorted.count, missing: absent,
                      p50: Self.percentile(sorted, 50), p90: Self.percentile(sorted, 90))
        }

        /// Nearest-rank percentile: always a value that was observed, never an interpolation.
        static func percentile(_ sorted: [TimeInterval], _ p: Int) -> TimeInterval? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((Double(p) / 100 * Double(sorted.count)).rounded(.up))
            return sorted[max(rank, 1) - 1]
        }
    }

    /// The figures of a set of passages: how many, each stage's dwell spread and the end-to-end spread.
    public struct Measures: Sendable, Equatable {
        public var passages: Int
        /// Every stage but the arrival (which starts the clock).
        public var stages: [TimeReleaseStage: Spread]
        public var endToEnd: Spread

        public init(_ members: [TimeReleaseStamps]) {
            let dwells = members.map(\.dwells)
            var stages: [TimeReleaseStage: Spread] = [:]
            for stage in TimeReleaseStage.allCases where stage != .arrival {
                let present = dwells.compactMap { $0[stage] }
                stages[stage] = Spread(present, absent: members.count - present.count)
            }
            let ends = members.compactMap(\.endToEnd)
            passages = members.count
            self.stages = stages
            endToEnd = Spread(ends, absent: members.count - ends.count)
        }
    }

    /// One group: a period's start (midnight or the hour in the figures' zone), a lane and a channel (nil when
    /// none was decided).
    public struct Group: Sendable, Equatable {
        public var start: Date
        public var lane: String?
        public var channel: String?
        public var passages: Int
        public var stages: [TimeReleaseStage: Spread]
        public var endToEnd: Spread
    }

    /// One lane's figures over every passage given, whatever its period or channel.
    public struct LaneSummary: Sendable, Equatable {
        public var lane: String?
        public var measures: Measures
    }

    public var period: Period
    /// The zone whose hours and days the groups are (a site's local time: its shifts and days).
    public var zone: TimeZone
    /// Sorted by start, lane, channel.
    public var groups: [Group]

    /// Groups `stamps` by the period of their arrival (or exit, when arrival is missing) in `zone`, lane and channel.
    public init(_ stamps: [TimeReleaseStamps], by period: Period, in zone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.period = period
        self.zone = zone
        var buckets: [GroupKey: [TimeReleaseStamps]] = [:]
        for s in stamps {
            guard let at = s.at else { continue }
            buckets[GroupKey(start: Self.start(of: at, period, in: zone), lane: s.lane, channel: s.channel), default: []].append(s)
        }
        groups = buckets.map { key, members in
            let m = Measures(members)
            return Group(start: key.start, lane: key.lane, channel: key.channel, passages: m.passages,
                         stages: m.stages, endToEnd: m.endToEnd)
        }.sorted { a, b in
            (a.start, a.lane ?? "", a.channel ?? "") < (b.start, b.lane ?? "", b.channel ?? "")
        }
    }

    /// Each lane's figures over all of `stamps`, by lane name.
    public static func lanes(_ stamps: [TimeReleaseStamps]) -> [LaneSummary] {
        Dictionary(grouping: stamps, by: \.lane).map { LaneSummary(lane: $0.key, measures: Measures($0.value)) }
            .sorted { ($0.lane ?? "") < ($1.lane ?? "") }
    }

    /// The `n` passages with the longest end-to-end time, longest first (ties by passage id).
    public static func slowest(_ stamps: [TimeReleaseStamps], count n: Int) -> [TimeReleaseStamps] {
        stamps.filter { $0.endToEnd != nil }
            .sorted { ($0.endToEnd!, $1.passage) > ($1.endToEnd!, $0.passage) }
            .prefix(max(n, 0)).map { $0 }
    }

    /// The start of the hour or day an instant falls in, in `zone` (a day of 23 or 25 hours where the zone
    /// changes its clocks).
    public static func start(of at: Date, _ period: Period, in zone: TimeZone = TimeZone(identifier: "UTC")!) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateInterval(of: period == .hour ? .hour : .day, for: at)?.start ?? at
    }

    private struct GroupKey: Hashable {
        var start: Date
        var lane: String?
        var channel: String?
    }
}

extension TimeReleaseStamps {
    /// The instant that places the passage in a period: its arrival, else its exit.
    var at: Date? { times[.arrival] ?? times[.exit] }
}
