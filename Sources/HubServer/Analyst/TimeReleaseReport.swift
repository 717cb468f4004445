import Foundation
import HubCorrelation
import HubModel

/// The time-release figures as the API writes them: seconds as numbers, a stage without a figure as null,
/// and how many passages lacked each stage.
struct TimeReleaseReport: Encodable {
    var figures: TimeReleaseFigures
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

    enum CodingKeys: String, CodingKey { case by, groups, slowest, truncated }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(figures.period.rawValue, forKey: .by)
        try c.encode(
            figures.groups.map { g in
                Group(
                    start: g.start, lane: g.lane, channel: g.channel, passages: g.passages,
                    stages: Dictionary(uniqueKeysWithValues: g.stages.map { ($0.key.rawValue, Spread($0.value)) }),
                    endToEnd: Spread(g.endToEnd))
            }, forKey: .groups)
        try c.encode(
            slowest.map { s in
                let held = s.holdingStage
                return Slow(
                    passage: s.passage, lane: s.lane, channel: s.channel, endToEndSeconds: s.endToEnd,
                    heldAt: held?.stage.rawValue, heldSeconds: held?.seconds,
                    times: Dictionary(uniqueKeysWithValues: s.times.map { ($0.key.rawValue, $0.value) }),
                    dwellSeconds: Dictionary(uniqueKeysWithValues: s.dwells.map { ($0.key.rawValue, $0.value) }),
                    missing: s.missing.map(\.rawValue))
            }, forKey: .slowest)
        try c.encode(truncated, forKey: .truncated)
    }
}

/// The figures as CSV: one row per period, lane and channel; every time column in seconds, empty when no
/// passage of the group reached the stage.
enum TimeReleaseCSV {
    static func text(_ report: TimeReleaseReport) -> String {
        let measures = TimeReleaseReport.dwellStages.map(\.rawValue) + ["end_to_end"]
        let header = ["period_start", "lane", "channel", "passages"]
            + measures.flatMap { ["\($0)_count", "\($0)_missing", "\($0)_p50_seconds", "\($0)_p90_seconds"] }
        let rows = report.figures.groups.map { g in
            let spreads = TimeReleaseReport.dwellStages.map { g.stages[$0] } + [Optional(g.endToEnd)]
            return [Timestamp.format(g.start), g.lane ?? "", g.channel ?? "", String(g.passages)]
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
