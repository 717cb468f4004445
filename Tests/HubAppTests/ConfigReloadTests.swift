import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubIngest
import HubModel
import HubServer
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Edited configuration applied while the hub runs, without losing events; bad edits refused.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct ConfigReloadTests {
    static let serial = HubHarness.serialRPM
    static let withTCP = HubHarness.serialRPM + "\n  - {id: rpm-tcp, profile: rpm-tcp, listen: \"127.0.0.1:0\"}"
    static let tcpProfile = ["rpm-tcp.yaml": RapiscanFeed.profile("rpm-tcp", transport: "  kind: tcp")]

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

    /// A device moved along its lane (a camera re-mounted) is a change the running config takes, but
    /// its link stays open: where it stands does not change how it is read.
    @Test func aMovedDeviceIsReconfiguredWithItsLinkKept() async throws {
        let h = try await HubHarness(label: "reload-move")
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        #expect(h.hub.configState.current.devices.first?.position == nil)
        try h.dir.write("site.yaml", HubHarness.site(Self.serial + "\n    position: 2.5"))
        #expect(await eventually {
            let r = try? await h.get("/api/v1/config").json["lastReload"] as? [String: Any]
            return r?["trigger"] as? String == "file change" && (r?["change"] as? [String: [String]])?["reconfigured"] == ["rpm-lane1"]
        })
        #expect(h.hub.configState.current.devices.first?.position == 2.5)
        #expect(try await h.device("rpm-lane1")["connects"] as? Int == 1)
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

    /// A profile edited while a vehicle is half through the portal (its bytes cut mid-line): the
    /// device takes the new settings with its link open and its decoder as it was, so the vehicle
    /// still becomes its `radiation.occupancy`, and every figure is what one unbroken feed gives.
    @Test func aProfileEditedInTheMiddleOfAVehicleLosesNothing() async throws {
        let h = try await HubHarness(label: "reload-mid", profiles: Self.tcpProfile)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }
        // The third vehicle: from its first scan line to its GX; cut inside a line half-way through.
        let scan = try #require(lines.indices.first { $0 > gx[1] && lines[$0].starts(with: Array("GS,".utf8)) })
        let cutLine = (scan + gx[2]) / 2
        #expect(scan < cutLine && cutLine < gx[2])
        let all = lines[...gx[4]].flatMap { $0 }
        let before = lines[..<cutLine].flatMap { $0 } + lines[cutLine].prefix(lines[cutLine].count / 2)
        try await pty.play(lines[..<cutLine])
        pty.write(Array(lines[cutLine].prefix(lines[cutLine].count / 2)))
        func counters() async -> [String: Any] { (try? await h.device("rpm-lane1")["counters"] as? [String: Any]) ?? [:] }
        #expect(await eventually { await counters()["bytes"] as? Int == before.count })
        #expect(await eventually { await occupancies(h) == 2 })

        // Profile edited: this device's driver settings change, not its link.
        let profile = h.dir.path("profiles/rapiscan-rpm.yaml")
        let text = try String(contentsOfFile: profile, encoding: .utf8)
        try text.replacingOccurrences(of: "backgroundIntervalS: 60", with: "backgroundIntervalS: 30")
            .write(toFile: profile, atomically: true, encoding: .utf8)
        #expect(await eventually {
            let r = try? await h.get("/api/v1/config").json["lastReload"] as? [String: Any]
            return r?["trigger"] as? String == "file change" && (r?["change"] as? [String: [String]])?["reconfigured"] == ["rpm-lane1"]
        })
        try await pty.play([Array(lines[cutLine].dropFirst(lines[cutLine].count / 2))][...])
        try await pty.play(lines[(cutLine + 1)...gx[4]])

        // What the same bytes give decoded in one piece, under the settings before the edit (an
        // occupancy does not depend on the background interval).
        var reference = try #require(FeedDecoder(device: h.hub.config.devices[0], ids: EventIDGenerator()))
        let expected = reference.push(all[...], receivedAt: Date()).events.filter { $0.kind == "radiation.occupancy" }
        #expect(expected.count == 5)
        #expect(await eventually(timeout: .seconds(30)) { await occupancies(h) == 5 })
        let stored = try await h.events("kind=radiation.occupancy&limit=1000")
        // The lines carry no clock (times are when they arrived), so the figures the lines give are compared.
        let figures = ["occupancyNumber", "gammaAlarm", "neutronAlarm", "maxGammaCps", "maxNeutronCps", "gammaBackgroundCps"]
        func values(_ data: [String: Any]) -> [String] {
            figures.compactMap { key in (data[key] as? NSNumber).map { "\(key) \($0.doubleValue)" } }
        }
        for (got, want) in zip(stored, expected) {
            let data = got["data"] as? [String: Any] ?? [:]
            let wanted = try JSONSerialization.jsonObject(with: JSONEncoder().encode(want.data)) as? [String: Any] ?? [:]
            #expect(values(wanted).count == figures.count && values(data) == values(wanted), "\(data) != \(wanted)")
        }
        let seen = await counters()
        #expect(seen["bytes"] as? Int == all.count)
        #expect(seen["frames"] as? Int == reference.counters.frames)
        #expect(seen["readings"] as? Int == reference.counters.readings)
        #expect((seen["rejected"] as? [String: Int])?.isEmpty == true)
        // The link stayed open through the reload.
        #expect(try await h.device("rpm-lane1")["connects"] as? Int == 1)
        try await h.stop()
        pty.close()
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
}
