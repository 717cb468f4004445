import Foundation
import HubDevices
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

    @Test func sighupReloadsAndAChangedProfileRestartsItsDeviceWithoutLosingEvents() async throws {
        let h = try await HubHarness(label: "reload-hup", profiles: Self.tcpProfile, reloadPoll: .seconds(3600))
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }
        try await pty.play(lines[...gx[1]])
        // Profile edited: this device's driver settings change, so it is restarted on the reload.
        let profile = h.dir.path("profiles/rapiscan-rpm.yaml")
        let text = try String(contentsOfFile: profile, encoding: .utf8)
        try text.replacingOccurrences(of: "backgroundIntervalS: 60", with: "backgroundIntervalS: 30")
            .write(toFile: profile, atomically: true, encoding: .utf8)
        kill(getpid(), SIGHUP)
        #expect(await eventually(timeout: .seconds(30)) {
            let r = try? await h.get("/api/v1/config").json["lastReload"] as? [String: Any]
            return r?["trigger"] as? String == "SIGHUP" && (r?["change"] as? [String: [String]])?["restarted"] == ["rpm-lane1"]
        })
        // The next vehicles come after the restart, between two of them as a reload usually lands. A
        // restart in the middle of a vehicle starts its driver afresh: that vehicle's lines are archived
        // and counted as rejects, but its occupancy is not made (a known limit, in the closing note).
        try await pty.play(lines[(gx[1] + 1)...gx[4]])
        #expect(await eventually(timeout: .seconds(30)) { await occupancies(h) == 5 })
        #expect(try await h.device("rpm-lane1")["connects"] as? Int == 2)
        try await h.stop()
    }
}
