import Foundation
import HubAppTesting
import HubTesting
import Testing

/// Tracker and seal simulators dialling in to a real hub's TCP listener.
@Suite(.timeLimit(.minutes(3)))
struct TrackerSimulatorTests {
    static func hub(_ label: String, profile: String) async throws -> (HubHarness, Int) {
        let h = try await HubHarness(label: label, devices: "  - {id: units, profile: \(profile), listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("units")) ?? 0 > 0 })
        return (h, try #require(try await h.boundPort("units")))
    }

    @Test func gt06FleetOfFiftyGetsEveryLoginAckedAndItsPositionsStored() async throws {
        let (h, port) = try await Self.hub("gt06-fleet", profile: "gt06-eseal")
        let trace = h.dir.path("gt06.trace")
        let sim = try await SimulatorRun.run(
            ["gt06", "--port", "\(port)", "--units", "50", "--reports", "4", "--interval", "1", "--speed", "1000",
             "--heartbeat-every", "0", "--seed", "7", "--trace", trace], in: h.dir)
        #expect(sim.status == 0, "\(sim.err)")
        #expect(sim.err.contains("50 logins acked"), "\(sim.err)")
        let meant = try SimulatorRun.trace(trace)
        #expect(meant.count == 200)
        var stored = 0
        #expect(await eventually(timeout: .seconds(30)) {
            stored = (try? await ConnectionScaleTests.count(h, kind: "gps.fix")) ?? 0
            return stored == 200
        }, "\(stored) fixes stored")
        let units = Set(try await h.events("kind=gps.fix&limit=1000").compactMap { ($0["device"] as? [String: Any])?["id"] as? String })
        #expect(units.count == 50)
        try await h.stop()
    }

    @Test func gt06SealAlarmsReachTheHub() async throws {
        let (h, port) = try await Self.hub("gt06-alarm", profile: "gt06-eseal")
        let sim = try await SimulatorRun.run(
            ["gt06", "--port", "\(port)", "--units", "2", "--reports", "6", "--interval", "1", "--speed", "1000",
             "--alarm-rate", "1"], in: h.dir)
        #expect(sim.status == 0, "\(sim.err)")
        #expect(await eventually(timeout: .seconds(30)) {
            let seals = (try? await h.events("kind=seal.status&limit=1000")) ?? []
            let statuses = Set(seals.compactMap { ($0["data"] as? [String: Any])?["status"] as? String })
            return statuses.contains("opened") && statuses.contains("tampered")
        })
        try await h.stop()
    }

    @Test func teltonikaAndESealFleetsAreAcknowledged() async throws {
        for (profile, command) in [("teltonika-fmb", "teltonika"), ("ascii-eseal", "eseal")] {
            let (h, port) = try await Self.hub(command, profile: profile)
            let sim = try await SimulatorRun.run(
                [command, "--port", "\(port)", "--units", "10", "--reports", "3", "--interval", "1", "--speed", "1000"],
                in: h.dir)
            #expect(sim.status == 0, "\(command): \(sim.err)")
            #expect(sim.err.contains("10 logins acked"), "\(sim.err)")
            var fixes = 0
            #expect(await eventually(timeout: .seconds(30)) {
                fixes = (try? await ConnectionScaleTests.count(h, kind: "gps.fix")) ?? 0
                return fixes == 30
            }, "\(command): \(fixes) fixes stored, \(sim.err)")
            try await h.stop()
        }
    }

    @Test func ocrCameraOverTCPReachesTheHubWithItsMisreadsRepaired() async throws {
        let (h, port) = try await Self.hub("ocr-tcp", profile: "gate-ocr-camera")
        let trace = h.dir.path("ocr.trace")
        let sim = try await SimulatorRun.run(
            ["ocr", "--tcp", "127.0.0.1:\(port)", "--vehicles", "10", "--every", "1", "--speed", "1000", "--misread-rate", "0.5",
             "--seed", "5", "--trace", trace], in: h.dir)
        #expect(sim.status == 0, "\(sim.err)")
        let meant = Set(try SimulatorRun.trace(trace).compactMap { $0["container"] as? String })
        var containers: Set<String> = []
        #expect(await eventually(timeout: .seconds(30)) {
            let reads = (try? await h.events("kind=ocr.read&limit=1000")) ?? []
            containers = Set(reads.flatMap { ($0["subject"] as? [String: Any])?["containers"] as? [String] ?? [] })
            return reads.count == 20 && containers == meant
        }, "\(containers.count) of \(meant.count) containers")
        try await h.stop()
    }

    @Test func portalMonitorOverUDPGivesOneOccupancyPerVehicle() async throws {
        let h = try await HubHarness(
            label: "rpm-udp", devices: "  - {id: units, profile: rpm-udp, lane: \"4\", listen: \"127.0.0.1:0\"}",
            profiles: ["rpm-udp.yaml": RapiscanFeed.profile("rpm-udp", transport: "  kind: udp")])
        #expect(await eventually { (try? await h.boundPort("units")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("units"))
        let sim = try await SimulatorRun.run(
            ["rpm", "--udp", "127.0.0.1:\(port)", "--vehicles", "3", "--vehicle-every", "5", "--speed", "200", "--seed", "9"],
            in: h.dir)
        #expect(sim.status == 0, "\(sim.err)")
        #expect(await eventually(timeout: .seconds(30)) {
            (try? await ConnectionScaleTests.count(h, kind: "radiation.occupancy")) == 3
        })
        try await h.stop()
    }

    @Test func faultyGT06UnitsAreRejectedFrameByFrameAndTheHubCarriesOn() async throws {
        let (h, port) = try await Self.hub("gt06-faults", profile: "gt06-eseal")
        let sim = try await SimulatorRun.run(
            ["gt06", "--port", "\(port)", "--units", "5", "--reports", "20", "--interval", "1", "--speed", "1000",
             "--heartbeat-every", "0", "--bad-checksum", "0.3", "--garbage", "0.2", "--duplicate", "0.1",
             "--disconnect-every", "7", "--seed", "3"], in: h.dir)
        #expect(sim.status == 0, "\(sim.err)")
        #expect(sim.err.contains("reconnects"), "\(sim.err)")
        var rejected = 0
        #expect(await eventually(timeout: .seconds(30)) {
            let counters = (try? await h.device("units"))?["counters"] as? [String: Any]
            rejected = (counters?["rejected"] as? [String: Int])?.values.reduce(0, +) ?? 0
            return rejected > 0
        }, "rejects counted")
        let fixes = try await ConnectionScaleTests.count(h, kind: "gps.fix")
        #expect(fixes > 0 && fixes < 100 + 20, "\(fixes) fixes")
        #expect(try await h.get("/api/v1/devices").status == 200)
        try await h.stop()
    }
}
