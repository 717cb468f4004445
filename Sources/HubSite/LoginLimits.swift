import Foundation
import HubDevices

/// How many failed logins the hub takes before it makes a name or a client address wait: the site
/// config's `login:` section.
public struct LoginLimits: Sendable, Equatable {
    /// Failed logins for one user name (known or not) from one client address within `windowS`
    /// before that name is locked out at that address (and only there).
    public var maxFailures = 5
    /// Failed logins from one client address, whatever the names, within `windowS`.
    public var maxFailuresPerAddress = 20
    /// How long failures are remembered.
    public var windowS = 900.0
    /// The first lockout; each further one without a success in between doubles, up to `maxLockoutS`.
    public var lockoutS = 60.0
    public var maxLockoutS = 3600.0
    /// Password hashes computed at once, whoever asks (each is ~0.1–1 s of one core). The default,
    /// half the cores and at least one, leaves the rest to the devices.
    public var maxConcurrentHashes = LoginLimits.defaultConcurrentHashes
    /// Logins that may wait for a hash beyond those (at most two of them from one client address);
    /// more at once are answered 503 with Retry-After.
    public var maxQueuedLogins = 64

    public static var defaultConcurrentHashes: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    public init() {}
}

extension LoginLimits: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxFailures, maxFailuresPerAddress, windowS, lockoutS, maxLockoutS, maxConcurrentHashes, maxQueuedLogins
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let count = { (n: Int) in (1...1000).contains(n) }
        let seconds = { (s: Double) in s > 0 && s <= 86400 }
        maxFailures = try c.decode(Int.self, forKey: .maxFailures, default: 5, where: count, expected: "a count from 1 to 1000")
        maxFailuresPerAddress = try c.decode(
            Int.self, forKey: .maxFailuresPerAddress, default: 20, where: count, expected: "a count from 1 to 1000")
        windowS = try c.decode(Double.self, forKey: .windowS, default: 900, where: seconds, expected: "seconds, above 0 and up to 86400")
        lockoutS = try c.decode(Double.self, forKey: .lockoutS, default: 60, where: seconds, expected: "seconds, above 0 and up to 86400")
        maxLockoutS = try c.decode(
            Double.self, forKey: .maxLockoutS, default: max(3600, lockoutS), where: { seconds($0) && $0 >= lockoutS },
            expected: "seconds, at least lockoutS and up to 86400")
        maxConcurrentHashes = try c.decode(
            Int.self, forKey: .maxConcurrentHashes, default: Self.defaultConcurrentHashes, where: (1...64).contains,
            expected: "a count from 1 to 64")
        maxQueuedLogins = try c.decode(
            Int.self, forKey: .maxQueuedLogins, default: 64, where: (0...10_000).contains, expected: "a count from 0 to 10000")
    }
}
