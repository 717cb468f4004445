import Foundation
import HubCorrelation
import HubModel

/// The time-release figures as the API writes them: seconds as numbers, a stage without a figure as null,
/// and how many passages lacked each stage.
struct TimeReleaseReport: Encodable {
    var figures: TimeReleaseFigures
    /// Each lane over the whole window (what the console's stage chart draws).
    var lanes: [TimeReleaseFigures.LaneSummary]
    /// End to end, day by day in the site's zone, per lane and per channel.
    var trend: TimeReleaseTrend
    var slowest: [TimeReleaseStamps]
    /// True when the window held more passages than one request reads.
    var truncated: Bool

    /// The stages with a dwell (arrival starts the clock), in order.
    static let dwellStages = TimeReleaseStage.allCases.filter { $0 != .arrival }

    struct Spread: Encodable {
        var count: Int
        var missing: Int
        var p50Seconds: Double?
        var p90Seconds: Double?

        init(_ s: TimeReleaseFigures.Spread) {
            count = s.count
            missing = s.missing
            p50Seconds = s.p50
            p90Seconds = s.p90
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(count, forKey: .count)
            try c.encode(missing, forKey: .missing)
            try c.encode(p50Seconds, forKey: .p50Seconds)
            try c.encode(p90Seconds, forKey: .p90Seconds)
        }

        enum CodingKeys: String, CodingKey { case count, missing, p50Seconds, p90Seconds }
    }

    struct Group: Encodable {
        var start: Date
        var lane: String?
        var channel: String?
        var passages: Int
        var stages: [String: Spread]
        var endToEnd: Spread
    }

    struct Slow: Encodable {
        var passage: String
        /// The passage event (for its page), and the vehicle's plates and containers.
        var event: String?
        var vehicle: [String]
        var lane: String?
        var channel: String?
        var endToEndSeconds: Double?
        /// The stage with the longest dwell, and that dwell.
        var heldAt: String?
        var heldSeconds: Double?
        var times: [String: Date]
        var dwellSeconds: [String: Double]
        var missing: [String]
    }

    struct Lane: Encodable {
        var lane: String?
        var passages: Int
        var stages: [String: Spread]
        var endToEnd: Spread
    }

    struct Point: Encodable {
        var day: Date
        var passages: Int
        var endToEnd: Spread
    }

    struct Series: Encodable {
        var lane: String?
        var channel: String?
        var points: [Point]
    }

    struct Trend: Encodable {
        var days: [Date]
        var lanes: [Series]
        var channels: [Series]
    }

    static func stages(_ s: [TimeReleaseStage: TimeReleaseFigures.Spread]) -> [String: Spread] {
        Dictionary(uniqueKeysWithValues: s.map { ($0.key.rawValue, Spread($0.value)) })
    }

    enum CodingKeys: String, CodingKey { case by, timeZone, groups, lanes, trend, slowest, truncated }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(figures.period.rawValue, forKey: .by)
        try c.encode(figures.zone.identifier, forKey: .timeZone)
        try c.encode(
            lanes.map { Lane(lane: $0.lane, passages: $0.measures.passages, stages: Self.stages($0.measures.stages),
                             endToEnd: Spread($0.measures.endToEnd)) }, forKey: .lanes)
        func points(_ s: TimeReleaseTrend.Series) -> [Point] {
            s.points.map { Point(day: $0.day, passages: $0.passages, endToEnd: Spread($0.endToEnd)) }
        }
        try c.encode(
            Trend(days: trend.days, lanes: trend.lanes.map { Series(lane: $0.name, points: points($0)) },
                  channels: trend.channels.map { Series(channel: $0.name, points: points($0)) }), forKey: .trend)
        try c.encode(
            figures.groups.map { g in
                Group(
                    start: g.start, lane: g.lane, channel: g.channel, passages: g.passages,
                    stages: Self.stages(g.stages),
                    endToEnd: Spread(g.endToEnd))
            }, forKey: .groups)
        try c.encode(
            slowest.map { s in
                let held = s.holdingStage
                return Slow(
                    passage: s.passage, event: s.event, vehicle: s.vehicle, lane: s.lane, channel: s.channel, endToEndSeconds: s.endToEnd,
                    heldAt: held?.stage.rawValue, heldSeconds: held?.seconds,
                    times: Dictionary(uniqueKeysWithValues: s.times.map { ($0.key.rawValue, $0.value) }),
                    dwellSeconds: Dictionary(uniqueKeysWithValues: s.dwells.map { ($0.key.rawValue, $0.value) }),
                    missing: s.missing.map(\.rawValue))
            }, forKey: .slowest)
        try c.encode(truncated, forKey: .truncated)
    }
}

/// The figures as CSV: one row per period, lane and channel; every time column in seconds, empty when no
/// passage of the group reached the stage. The period's start is given in UTC and in the site's zone.
enum TimeReleaseCSV {
    static func text(_ report: TimeReleaseReport) -> String {
        let measures = TimeReleaseReport.dwellStages.map(\.rawValue) + ["end_to_end"]
        let local = ISO8601DateFormatter()
        local.timeZone = report.figures.zone
        local.formatOptions = [.withInternetDateTime]
        let header = ["period_start", "period_start_local", "lane", "channel", "passages"]
            + measures.flatMap { ["\($0)_count", "\($0)_missing", "\($0)_p50_seconds", "\($0)_p90_seconds"] }
        let rows = report.figures.groups.map { g in
            let spreads = TimeReleaseReport.dwellStages.map { g.stages[$0] } + [Optional(g.endToEnd)]
            return [Timestamp.format(g.start), local.string(from: g.start), g.lane ?? "", g.channel ?? "", String(g.passages)]
                + spreads.flatMap { s in
                    [String(s?.count ?? 0), String(s?.missing ?? g.passages), seconds(s?.p50), seconds(s?.p90)]
                }
        }
        return CSV.text(header: header, rows: rows)
    }

    /// Whole seconds without a fraction (`42`), else three decimals (`41.250`); empty when absent.
    static func seconds(_ s: TimeInterval?) -> String {
        guard let s else { return "" }
        return s == s.rounded() ? String(Int(s)) : String(format: "%.3f", s)
    }
}
