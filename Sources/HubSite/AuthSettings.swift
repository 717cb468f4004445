import Foundation
import HubDevices

/// The site config's `auth:` section: limits on credentials.
public struct AuthSettings: Sendable, Equatable {
    /// 90 days.
    public static let defaultMaxTokenLifetimeS = 90 * 86400
    /// The longest life `POST /api/v1/tokens` may give an API token (`lifetimeS`); a longer one is
    /// refused. Sessions have their own, fixed lifetime.
    public var maxTokenLifetimeS = AuthSettings.defaultMaxTokenLifetimeS

    public init() {}
}

extension AuthSettings: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case maxTokenLifetimeS }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxTokenLifetimeS = try c.decode(
            Int.self, forKey: .maxTokenLifetimeS, default: Self.defaultMaxTokenLifetimeS, where: (60...3650 * 86400).contains,
            expected: "seconds from 60 to 315360000 (10 years)")
    }
}
