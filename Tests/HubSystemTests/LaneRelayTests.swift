import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubDrivers
import HubServer
import HubStore
import HubTesting
import Testing

/// Two relay boards on real pseudo-terminals at lane 1, the test playing both boards: an LCUS board
/// (a beacon) and a Modbus RTU module (a barrier hold). A radiation alarm switches both on, the
/// operator's acknowledgement releases them; the module that does not echo its command, then
/// refuses it, is a device fault until it echoes again.
@Suite(.timeLimit(.minutes(3)))
struct LaneRelayTests {
    /// The next `count` bytes the hub wrote to a board, read without blocking the hub's threads.
    static func command(_ board: PseudoTerminal, _ count: Int) async -> [UInt8] {
        var got: [UInt8] = []
        _ = await eventually {
            got += board.read(max: count - got.count, timeoutMs: 0)
            return got.count >= count
        }
        return got
    }

    static let relays = """
        relays:
          - {id: beacon-1, lane: "1", board: lcus, port: relay-lcus, channel: 2, on: [radiation-alarm]}
          - {id: barrier-1, lane: "1", board: modbus, port: relay-modbus, slave: 1, coil: 0, on: [radiation-alarm], answerTimeoutMs: 2000}
        """

    @Test func anAlarmSwitchesTheLaneRelaysAndItsAcknowledgementReleasesThem() async throws {
        let dir = try TemporaryDirectory("relays")
        let lcus = try PseudoTerminal(), modbus = try PseudoTerminal()
        try lcus.link(at: dir.path("relay-lcus"))
        try modbus.link(at: dir.path("relay-modbus"))
        let h = try await HubHarness(reusing: dir, siteExtra: Self.relays)
        let (lcusOff, lcusOn) = ([UInt8]([0xA0, 0x02, 0x00, 0xA2]), [UInt8]([0xA0, 0x02, 0x01, 0xA3]))
        let (coilOff, coilOn) = (
            [UInt8]([0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0xCD, 0xCA]), [UInt8]([0x01, 0x05, 0x00, 0x00, 0xFF, 0x00, 0x8C, 0x3A])
        )
        func row(_ id: String) async -> [String: Any] { (try? await h.device(id)) ?? [:] }

        // At start each relay is released; the module echoes.
        #expect(await Self.command(lcus, 4) == lcusOff)
        #expect(await Self.command(modbus, 8) == coilOff)
        modbus.write(coilOff)
        #expect(await eventually { await row("barrier-1")["state"] as? String == "online" })
        #expect(await row("beacon-1")["state"] as? String == "online")
        #expect(await row("barrier-1")["family"] as? String == "lane-relay")
        #expect(await row("barrier-1")["lane"] as? String == "1")

        // A radiation alarm at lane 1: both switch on.
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { await row("rpm-lane1")["state"] as? String == "online" })
        try await pty.play(LiveAlarmTests.linesToFirstAlarm()[...])
        #expect(await Self.command(lcus, 4) == lcusOn)
        #expect(await Self.command(modbus, 8) == coilOn)
        modbus.write(coilOn)
        let alarm = try #require(try await h.events("kind=radiation.alarm").first?["id"] as? String)
        var switched: [[String: Any]] = []
        #expect(await eventually {
            switched = (try? await h.get("/api/v1/audit?action=relay.on").json["entries"] as? [[String: Any]]) ?? []
            return switched.count == 2
        })
        #expect(Set(switched.compactMap { $0["target"] as? String }) == ["beacon-1", "barrier-1"])
        #expect(switched.allSatisfy { ($0["detail"] as? String)?.hasSuffix("radiation.alarm \(alarm)") == true && $0["actor"] as? String == "hub" })

        // The operator acknowledges: both are released. The module says nothing: a device fault.
        #expect(try await h.post("/api/v1/alarms/\(alarm)/acknowledgement", "{}", token: try await h.token("operator")).status == 201)
        #expect(await Self.command(lcus, 4) == lcusOff)
        #expect(await Self.command(modbus, 8) == coilOff)
        #expect(await eventually { await row("barrier-1")["state"] as? String == "faulted" })
        #expect(await row("barrier-1")["activeFaults"] as? [String] == ["relay-no-answer"])
        #expect(await row("barrier-1")["lastError"] as? String == "no answer within 2000 ms")
        let released = try await h.get("/api/v1/audit?action=relay.off").json["entries"] as? [[String: Any]] ?? []
        #expect(released.count == 2)
        #expect(released.contains { $0["target"] as? String == "barrier-1" && ($0["detail"] as? String)?.contains("not taken: no answer") == true })

        // The hub sends it again: refused (Modbus exception 2, illegal address) is a fault too.
        #expect(await Self.command(modbus, 8) == coilOff)
        modbus.write(ModbusCoilFrame.sealed([0x01, 0x85, 0x02]))
        #expect(await eventually { await row("barrier-1")["activeFaults"] as? [String] == ["relay-refused"] })
        // Again, echoed: online.
        #expect(await Self.command(modbus, 8) == coilOff)
        modbus.write(coilOff)
        #expect(await eventually { await row("barrier-1")["state"] as? String == "online" })

        // Each change of the module's state is a stored device.status event.
        let states = try await h.states("barrier-1")
        // Online at start, faulted once (no answer giving way to a refusal is no passing online), online again.
        #expect(states == ["online", "faulted", "online"], "\(states)")
        #expect(await row("beacon-1")["state"] as? String == "online")

        pty.close()
        try await h.stop()
        lcus.close()
        modbus.close()
    }

    /// An analyst's suspect verdict given on the review screen switches the lane's relay as a device's
    /// alarm does, and its acknowledgement releases it; relays an edited site config moves or adds
    /// take effect at once, without a restart.
    @Test func aSuspectImageVerdictSwitchesTheRelayAndAnEditedConfigAppliesWithoutARestart() async throws {
        let dir = try TemporaryDirectory("relays-verdict")
        let lcus = try PseudoTerminal(), modbus = try PseudoTerminal()
        try lcus.link(at: dir.path("relay-lcus"))
        try modbus.link(at: dir.path("relay-modbus"))
        let review = "review: {recheckShare: 0}\n"
        let beacon = "relays:\n  - {id: beacon-1, lane: \"1\", board: lcus, port: relay-lcus, channel: 2, on: [suspect-scan]}"
        let h = try await HubHarness(reusing: dir, siteExtra: review + beacon)
        let (coilOff, coilOn) = (
            [UInt8]([0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0xCD, 0xCA]), [UInt8]([0x01, 0x05, 0x00, 0x00, 0xFF, 0x00, 0x8C, 0x3A])
        )
        #expect(await Self.command(lcus, 4) == [0xA0, 0x02, 0x00, 0xA2])
        let (lan, minh) = try await ImageReviewTests.analysts(h)
        let operatorToken = try await h.token("operator")

        // Two analysts judge a new scan of lane 1 suspect (four eyes): the second verdict, final, is an alarm.
        func suspect(_ scanId: String) async throws -> String {
            let scan = try #require(try await h.post("/api/v1/scans", ImageReviewTests.scan(scanId)).json["id"] as? String)
            let base = "/api/v1/reviews/\(scan)"
            let region = #"{"image": "top.pgm", "x": 800, "y": 200, "width": 300, "height": 150, "label": "dense mass"}"#
            #expect(try await h.post(base + "/claim", "{}", token: lan).status == 200)
            let first = try await h.post(base + "/verdict", #"{"verdict": "suspect", "reason": "density", "regions": [\#(region)]}"#, token: lan)
            #expect(first.status == 201)
            #expect(try await h.post(base + "/claim", "{}", token: minh).status == 200)
            let second = try await h.post(base + "/verdict", #"{"verdict": "suspect", "reason": "confirmed"}"#, token: minh)
            #expect(second.status == 201 && second.json["severity"] as? String == "alarm")
            return try #require(second.json["id"] as? String)
        }
        let verdict = try await suspect("XR-51")
        #expect(await Self.command(lcus, 4) == [0xA0, 0x02, 0x01, 0xA3])
        // Switched by the final verdict (the first, not yet final, held nothing), audited as the hub's.
        var switched: [[String: Any]] = []
        #expect(await eventually {
            switched = (try? await h.get("/api/v1/audit?action=relay.on").json["entries"] as? [[String: Any]]) ?? []
            return !switched.isEmpty
        })
        #expect(switched.count == 1 && (switched.first?["detail"] as? String)?.hasSuffix("scan.verdict \(verdict)") == true, "\(switched)")
        #expect(try await h.post("/api/v1/alarms/\(verdict)/acknowledgement", "{}", token: operatorToken).status == 201)
        #expect(await Self.command(lcus, 4) == [0xA0, 0x02, 0x00, 0xA2])

        // The site config edited while the hub runs: the beacon moves to channel 3, a barrier hold joins.
        let edited = """
            relays:
              - {id: beacon-1, lane: "1", board: lcus, port: relay-lcus, channel: 3, on: [suspect-scan]}
              - {id: barrier-1, lane: "1", board: modbus, port: relay-modbus, slave: 1, coil: 0, on: [suspect-scan], answerTimeoutMs: 2000}
            """
        try dir.write("site.yaml", HubHarness.site(HubHarness.serialRPM, extra: review + edited))
        // The old channel let go, the new one released, the module told to release (it echoes).
        #expect(await Self.command(lcus, 8) == [0xA0, 0x02, 0x00, 0xA2, 0xA0, 0x03, 0x00, 0xA3])
        #expect(await Self.command(modbus, 8) == coilOff)
        modbus.write(coilOff)
        #expect(await eventually { (try? await h.device("barrier-1")["state"] as? String) == "online" })
        #expect(try await h.device("barrier-1")["family"] as? String == "lane-relay")

        // The next suspect verdict switches both, its acknowledgement releases both.
        let next = try await suspect("XR-52")
        #expect(await Self.command(lcus, 4) == [0xA0, 0x03, 0x01, 0xA4])
        #expect(await Self.command(modbus, 8) == coilOn)
        modbus.write(coilOn)
        #expect(try await h.post("/api/v1/alarms/\(next)/acknowledgement", "{}", token: operatorToken).status == 201)
        #expect(await Self.command(lcus, 4) == [0xA0, 0x03, 0x00, 0xA3])
        #expect(await Self.command(modbus, 8) == coilOff)
        modbus.write(coilOff)

        try await h.stop()
        lcus.close()
        modbus.close()
    }

    /// Replicas of one site on one PostgreSQL database: the lane's portal monitor reports to replica A,
    /// the beacon's board hangs on replica B. A's alarm switches B's beacon, the acknowledgement made on
    /// A releases it, and another site's alarm at a lane of the same name does not touch it.
    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aBeaconOnOneReplicaSwitchesForAnAlarmAnotherReplicaStored() async throws {
        let store = StoreKind.postgresBlock(try await PostgresTestServer.scratch())
        let a = try await HubHarness(label: "relays-a", site: "gate-r", store: store)
        let dirB = try TemporaryDirectory("relays-b")
        let lcus = try PseudoTerminal()
        try lcus.link(at: dirB.path("relay-lcus"))
        let b = try await HubHarness(
            reusing: dirB, devices: "",
            siteExtra: "relays:\n  - {id: beacon-1, lane: \"1\", board: lcus, port: relay-lcus, channel: 2, on: [radiation-alarm]}",
            site: "gate-r", store: store, adminToken: a.adminToken)
        let other = try await HubHarness(label: "relays-other-site", site: "gate-s", store: store, adminToken: a.adminToken)
        let (off, on) = ([UInt8]([0xA0, 0x02, 0x00, 0xA2]), [UInt8]([0xA0, 0x02, 0x01, 0xA3]))
        #expect(await Self.command(lcus, 4) == off)
        #expect(await eventually { b.hub.liveRelay?.notices.isListening == true })

        // Another site's portal at its own lane 1 alarms first: this site's beacon stays as it is.
        let otherPTY = try PseudoTerminal()
        try otherPTY.link(at: other.devicePath)
        #expect(await eventually { (try? await other.device("rpm-lane1")["state"] as? String) == "online" })
        try await otherPTY.play(LiveAlarmTests.linesToFirstAlarm()[...])
        var otherAlarm = ""
        #expect(await eventually {
            otherAlarm = (try? await other.events("kind=radiation.alarm&site=gate-s").first?["id"] as? String) ?? ""
            return !otherAlarm.isEmpty
        })

        // This site's portal reports to replica A and alarms: B's beacon switches on for A's alarm.
        let pty = try PseudoTerminal()
        try pty.link(at: a.devicePath)
        #expect(await eventually { (try? await a.device("rpm-lane1")["state"] as? String) == "online" })
        try await pty.play(LiveAlarmTests.linesToFirstAlarm()[...])
        #expect(await Self.command(lcus, 4) == on)
        var alarm = ""
        #expect(await eventually {
            alarm = (try? await a.events("kind=radiation.alarm&site=gate-r").first?["id"] as? String) ?? ""
            return !alarm.isEmpty
        })
        let switched = try #require(try await b.get("/api/v1/audit?action=relay.on").json["entries"] as? [[String: Any]])
        let details = switched.compactMap { $0["detail"] as? String }
        #expect(details.count == 1 && details.allSatisfy { $0.hasSuffix("radiation.alarm \(alarm)") }, "\(details)")
        #expect(!details.contains { $0.contains(otherAlarm) })

        // Acknowledged on A: released on B.
        #expect(try await a.post("/api/v1/alarms/\(alarm)/acknowledgement", "{}", token: try await a.token("operator")).status == 201)
        #expect(await Self.command(lcus, 4) == off)

        try await other.stop()
        try await a.stop()
        try await b.stop()
        pty.close()
        otherPTY.close()
        lcus.close()
    }
}
