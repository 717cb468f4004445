import Foundation

extension RapiscanFeed {
    /// The portal monitor line protocol over another transport, with short timings for tests.
    public static func profile(_ model: String, transport: String, heartbeat: Double = 30) -> String {
        """
        model: \(model)
        name: Portal monitor lines over \(model)
        family: radiation-portal
        protocol: rpm
        transport:
        \(transport)
        heartbeatIntervalS: \(heartbeat)
        """
    }

    /// The shipped serial `rapiscan-rpm` profile as `model`, with a heartbeat of one second and
    /// `maxSilenceS` of silence allowed: a monitor that turns silent within a test.
    public static func quickSilenceProfile(_ model: String, maxSilenceS: Int) throws -> String {
        try String(contentsOf: Corpus.packageRoot.appendingPathComponent("DeviceProfiles/rapiscan-rpm.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "model: rapiscan-rpm", with: "model: \(model)")
            .replacingOccurrences(of: "heartbeatIntervalS: 5", with: "heartbeatIntervalS: 1")
            .replacingOccurrences(of: "maxSilenceS: 15", with: "maxSilenceS: \(maxSilenceS)")
    }
}
