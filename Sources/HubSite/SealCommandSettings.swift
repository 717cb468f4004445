import Foundation
import HubDevices

/// The site config's `sealCommands:` section: how commands to GPS e-seals and trackers run.
///
///     sealCommands:
///       timeoutS: 60              # a command the unit has not answered within this is timed out
///       destinationRadiusM: 1000  # an unlock within this of the transit's destination needs one supervisor
public struct SealCommandSettings: Sendable, Equatable {
    /// Seconds a unit has to answer a command before it is `timed-out`.
    public var timeoutS: Double = 60
    /// Metres around a transit's destination (the corridor's last point) inside which one
    /// supervisor may unlock; outside it an unlock waits for a second supervisor's approval.
    public var destinationRadiusM: Double = 1000

    public init(timeoutS: Double = 60, destinationRadiusM: Double = 1000) {
        self.timeoutS = timeoutS
        self.destinationRadiusM = destinationRadiusM
    }
}

extension SealCommandSettings: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case timeoutS, destinationRadiusM }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let timeout = try c.decodeIfPresent(Double.self, forKey: .timeoutS, where: { $0 > 0 && $0 <= 3600 }, expected: "seconds above 0, at most 3600")
        let radius = try c.decodeIfPresent(
            Double.self, forKey: .destinationRadiusM, where: { $0 > 0 && $0 <= 100_000 }, expected: "metres above 0, at most 100000")
        self.init(timeoutS: timeout ?? 60, destinationRadiusM: radius ?? 1000)
    }
}
