import Foundation

/// End-to-end dwell day by day (in the site's zone): one series per lane over all channels, one per channel
/// over all lanes, so a slowing lane and a slowing channel each show.
public struct TimeReleaseTrend: Sendable, Equatable {
    /// One day of a series: its start (local midnight) and the end-to-end spread of its passages.
    public struct Point: Sendable, Equatable {
        public var day: Date
        public var passages: Int
        public var endToEnd: TimeReleaseFigures.Spread
    }

    /// A lane's or a channel's days, oldest first; `name` nil for passages without a lane or a decision.
    public struct Series: Sendable, Equatable {
        public var name: String?
        public var points: [Point]
    }

    /// Every day with a passage, oldest first (the x axis the series share).
    public var days: [Date]
    public var lanes: [Series]
    public var channels: [Series]

    public init(_ stamps: [TimeReleaseStamps], in zone: TimeZone) {
        func day(_ s: TimeReleaseStamps) -> Date? { s.at.map { TimeReleaseFigures.start(of: $0, .day, in: zone) } }
        days = Set(stamps.compactMap(day)).sorted()
        func series(_ key: (TimeReleaseStamps) -> String?) -> [Series] {
            Dictionary(grouping: stamps, by: key).map { name, members in
                let byDay = Dictionary(grouping: members.filter { day($0) != nil }) { day($0)! }
                return Series(
                    name: name,
                    points: byDay.keys.sorted().map { d in
                        let m = TimeReleaseFigures.Measures(byDay[d]!)
                        return Point(day: d, passages: m.passages, endToEnd: m.endToEnd)
                    })
            }.sorted { ($0.name ?? "") < ($1.name ?? "") }
        }
        lanes = series(\.lane)
        channels = series(\.channel)
    }
}
