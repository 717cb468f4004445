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

    /// One group: a period's start (UTC), a lane and a channel (nil when none was decided).
    public struct Group: Sendable, Equatable {
        public var start: Date
        public var lane: String?
        public var channel: String?
        public var passages: Int
        public var stages: [TimeReleaseStage: Spread]
        public var endToEnd: Spread
    }

    public var period: Period
    /// Sorted by start, lane, channel.
    public var groups: [Group]

    /// Groups `stamps` by the period of their arrival (or exit, when arrival is missing), lane and channel.
    public init(_ stamps: [TimeReleaseStamps], by period: Period) {
        self.period = period
        var buckets: [GroupKey: [TimeReleaseStamps]] = [:]
        for s in stamps {
            guard let at = s.times[.arrival] ?? s.times[.exit] else { continue }
            buckets[GroupKey(start: Self.start(of: at, period), lane: s.lane, channel: s.channel), default: []].append(s)
        }
        groups = buckets.map { key, members in
            let dwells = members.map(\.dwells)
            var stages: [TimeReleaseStage: Spread] = [:]
            for stage in TimeReleaseStage.allCases where stage != .arrival {
                let present = dwells.compactMap { $0[stage] }
                stages[stage] = Spread(present, absent: members.count - present.count)
            }
            let ends = members.compactMap(\.endToEnd)
            return Group(start: key.start, lane: key.lane, channel: key.channel, passages: members.count,
                         stages: stages, endToEnd: Spread(ends, absent: members.count - ends.count))
        }.sorted { a, b in
            (a.start, a.lane ?? "", a.channel ?? "") < (b.start, b.lane ?? "", b.channel ?? "")
        }
    }

    /// The `n` passages with the longest end-to-end time, longest first (ties by passage id).
    public static func slowest(_ stamps: [TimeReleaseStamps], count n: Int) -> [TimeReleaseStamps] {
        stamps.filter { $0.endToEnd != nil }
            .sorted { ($0.endToEnd!, $1.passage) > ($1.endToEnd!, $0.passage) }
            .prefix(max(n, 0)).map { $0 }
    }

    /// The UTC hour or day an instant falls in.
    public static func start(of at: Date, _ period: Period) -> Date {
        let width: TimeInterval = period == .hour ? 3600 : 86400
        return Date(timeIntervalSince1970: (at.timeIntervalSince1970 / width).rounded(.down) * width)
    }

    private struct GroupKey: Hashable {
        var start: Date
        var lane: String?
        var channel: String?
    }
}
