import Foundation
import HubServer
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A configuration reload asked of a served hub by signal (the in-process reloads are in
/// `HubAppTests.ConfigReloadTests`).
@Suite(.timeLimit(.minutes(3)))
struct ServedHubReloadTests {
    /// SIGHUP reloads a served hub. The signal goes to a `niihub serve` child: sent to the test
    /// process it would reach every hub the other suites run in it.
    @Test func sighupReloadsAServedHub() async throws {
        let dir = try TemporaryDirectory("reload-hup")
        let config = try dir.write("site.yaml", """
            site: hup-gate
            profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            store: {sqlite: hub.sqlite}
            http: {host: 127.0.0.1, port: 0}
            devices:
              - {id: rpm-lane1, profile: rapiscan-rpm, lane: "1", port: rpm-lane1}
            """)
        let hub = try await ServedHub(config: config)
        let token = try AdminCredential.read(storePath: dir.path("hub.sqlite")).token
        #expect(kill(hub.process.processIdentifier, SIGHUP) == 0)
        var reload: [String: Any]?
        #expect(await eventually {
            reload = try? await hub.get("/api/v1/config", token: token)["lastReload"] as? [String: Any]
            return reload != nil
        })
        #expect(reload?["trigger"] as? String == "SIGHUP")
        #expect(reload?["applied"] as? Bool == true)
        #expect((reload?["change"] as? [String: [String]])?["unchanged"] == ["rpm-lane1"])
        try await hub.stop()
    }
}
