import Foundation
import HubDevices

/// The site config's `review:` section: how central image review runs.
///
///     review:
///       limitMinutes: 5          # a verdict within 5 minutes of the scan, else it is overdue
///       lanes: [{lane: "3", limitMinutes: 10}]   # a lane's own limit (a baggage lane may allow longer)
///       recheckShare: 0.1        # the share of first clears a second analyst re-checks
public struct ReviewSettings: Sendable, Equatable {
    /// Minutes from a scan to its final verdict before it is overdue, on lanes without their own.
    public var limitMinutes: Double = 5
    /// Each lane's own limit, by lane.
    public var laneMinutes: [String: Double] = [:]
    /// The share of first clears (0 to 1) picked at random for a second analyst's re-check.
    public var recheckShare: Double = 0.1

    public init(limitMinutes: Double = 5, laneMinutes: [String: Double] = [:], recheckShare: Double = 0.1) {
        self.limitMinutes = limitMinutes
        self.laneMinutes = laneMinutes
        self.recheckShare = recheckShare
    }

    /// The limit on `lane`, in seconds.
    public func limitS(lane: String?) -> Double { (lane.flatMap { laneMinutes[$0] } ?? limitMinutes) * 60 }
}

extension ReviewSettings: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case limitMinutes, lanes, recheckShare }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let limit = try c.decodeIfPresent(Double.self, forKey: .limitMinutes, where: { $0 > 0 }, expected: "minutes above 0")
        struct Lane: Decodable {
            var lane: String
            var limitMinutes: Double
        }
        let lanes = try c.decodeIfPresent(
            [Lane].self, forKey: .lanes, where: { $0.allSatisfy { $0.limitMinutes > 0 && !$0.lane.isEmpty } },
            expected: "a list of {lane, limitMinutes} with minutes above 0")
        let share = try c.decodeIfPresent(Double.self, forKey: .recheckShare, where: { (0...1).contains($0) }, expected: "a share from 0 to 1")
        self.init(
            limitMinutes: limit ?? 5, laneMinutes: Dictionary((lanes ?? []).map { ($0.lane, $0.limitMinutes) }) { _, last in last },
            recheckShare: share ?? 0.1)
    }
}
