import Foundation

/// The WCO Time Release Study stages a vehicle goes through at a lane, in the order they happen.
public enum TimeReleaseStage: String, CaseIterable, Sendable, Codable {
    case arrival, radiation, scan, verdict, decision, exit
}

/// When one passage reached each stage; a stage the vehicle did not go through is nil, never a zero time.
public struct TimeReleaseStamps: Sendable, Equatable {
    /// The passage id (the same across its revisions).
    public var passage: String
    public var lane: String?
    /// The declaration's risk channel (`green`, `yellow`, `red`), when the passage has a decision.
    public var channel: String?
    /// Stage → the time the vehicle reached it.
    public var times: [TimeReleaseStage: Date]
    /// The passage event these times were read from (its newest revision), when read from the store.
    public var event: String?
    /// The vehicle's plates and containers, as the passage names them (for a person reading the list).
    public var vehicle: [String] = []
    /// Whether an alarm was among the passage's evidence.
    public var alarmed = false

    public init(passage: String, lane: String?, channel: String?, times: [TimeReleaseStage: Date]) {
        self.passage = passage
        self.lane = lane
        self.channel = channel
        self.times = times
    }

    /// Seconds spent reaching each stage from the latest earlier stage that happened; nil when the stage is missing
    /// (or is the arrival, which has no earlier stage). A skipped stage's time falls on the next stage reached,
    /// which is where the vehicle actually waited.
    public var dwells: [TimeReleaseStage: TimeInterval] {
        var out: [TimeReleaseStage: TimeInterval] = [:]
        var previous: Date?
        for stage in TimeReleaseStage.allCases {
            guard let at = times[stage] else { continue }
            if let previous { out[stage] = at.timeIntervalSince(previous) }
            previous = at
        }
        return out
    }

    /// Stages the vehicle did not reach, in order.
    public var missing: [TimeReleaseStage] { TimeReleaseStage.allCases.filter { times[$0] == nil } }

    /// Arrival to exit in seconds; nil unless both were seen.
    public var endToEnd: TimeInterval? {
        guard let a = times[.arrival], let e = times[.exit] else { return nil }
        return e.timeIntervalSince(a)
    }

    /// The stage with the longest dwell (the one that held the vehicle), and that dwell; earlier stage on ties.
    public var holdingStage: (stage: TimeReleaseStage, seconds: TimeInterval)? {
        let d = dwells
        var best: (stage: TimeReleaseStage, seconds: TimeInterval)?
        for stage in TimeReleaseStage.allCases {
            guard let s = d[stage] else { continue }
            if best == nil || s > best!.seconds { best = (stage, s) }
        }
        return best
    }
}
