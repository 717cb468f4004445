import Foundation
import HubDevices
import HubServer
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Edited configuration applied while the hub runs, without losing events; bad edits refused.
@Suite(.timeLimit(.minutes(1)), .serialized)
struct ConfigReloadTests {
    static let serial = HubHarness.serialRPM
    static let withTCP = HubHarness.serialRPM + "\n  - {id: rpm-tcp, profile: rpm-tcp, listen: \"127.0.0.1:0\"}"
    static let tcpProfile = ["rpm-tcp.yaml": TransportTests.profile("rpm-tcp", transport: "  kind: tcp")]

    func occupancies(_ h: HubHarness) async -> Int {
        (try? await h.events("kind=radiation.occupancy&limit=1000").count) ?? -1
    }

    @Test func anAddedDeviceStartsAndTheOthersAreLeftAlone() async throws {
        let h = try await HubHarness(label: "reload-add", profiles: Self.tcpProfile)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C0-NONE.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }
        try await pty.play(lines[...gx[2]])
        #expect(await eventually { await occupancies(h) == 3 })

        try h.dir.write("site.yaml", HubHarness.site(Self.withTCP))
        #expect(await eventually { (try? await h.boundPort("rpm-tcp")) ?? 0 > 0 })
        let reload = try await h.get("/api/v1/config").json["lastReload"] as? [String: Any]
        #expect(reload?["applied"] as? Bool == true)
        #expect(reload?["trigger"] as? String == "file change")
        let change = reload?["change"] as? [String: [String]]
        #expect(change?["started"] == ["rpm-tcp"] && change?["unchanged"] == ["rpm-lane1"])
        // The serial device kept its link: no reconnect, and its feed goes on.
        #expect(try await h.device("rpm-lane1")["connects"] as? Int == 1)
        try await pty.play(lines[(gx[2] + 1)...gx[5]])
        #expect(await eventually { await occupancies(h) == 6 })
        try await h.stop()
    }

    @Test func aBadEditIsRefusedWithItsPlaceAndTheRunningConfigStays() async throws {
        let h = try await HubHarness(label: "reload-bad", profiles: Self.tcpProfile)
        try h.dir.write("site.yaml", HubHarness.site(Self.serial + "\n    serial: {baud: 12345}"))
        var reload: [String: Any]?
        #expect(await eventually {
            reload = try? await h.get("/api/v1/config").json["lastReload"] as? [String: Any]
            return reload != nil
        })
        #expect(reload?["applied"] as? Bool == false)
        let error = reload?["error"] as? String ?? ""
        #expect(error.contains("site.yaml:13:20:") && error.contains("devices[0].serial.baud") && error.contains("12345"), "\(error)")
        #expect(try await h.get("/api/v1/config").json["devices"] as? [String] == ["rpm-lane1"])
        try await h.stop()
    }

    /// A changed port is a new link: the device is restarted on it, and its feed goes on there.
    @Test func aChangedPortRestartsItsDevice() async throws {
        let h = try await HubHarness(label: "reload-port", profiles: Self.tcpProfile)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        try pty.link(at: h.dir.path("rpm-moved"))
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C0-NONE.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }
        try await pty.play(lines[...gx[1]])
        #expect(await eventually { await occupancies(h) == 2 })
        try h.dir.write("site.yaml", HubHarness.site(Self.serial.replacingOccurrences(of: "port: rpm-lane1", with: "port: rpm-moved")))
        #expect(await eventually {
            let r = try? await h.get("/api/v1/config").json["lastReload"] as? [String: Any]
            return (r?["change"] as? [String: [String]])?["restarted"] == ["rpm-lane1"]
        })
        #expect(await eventually { (try? await h.device("rpm-lane1")["connects"] as? Int) == 2 })
        try await pty.play(lines[(gx[1] + 1)...gx[3]])
        #expect(await eventually { await occupancies(h) == 4 })
        try await h.stop()
        pty.close()
    }

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
