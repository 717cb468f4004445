import Crypto
import Foundation
import HubAppTesting
import HubModel
import HubDevices
import HubSite
import HubDrivers
import HubTesting
import Testing

/// Trackers and seals that dial in are taken only when the site knows them or its policy allows
/// them; the others are refused or quarantined, shown to admins, and approved or denied without a
/// restart, every decision in the audit log.
@Suite(.timeLimit(.minutes(3)))
struct AdmissionTests {
    /// How long to wait for a reply the hub owes; a closed connection answers at once.
    static let replyWait = 30_000
    static let known = "864717003283581"
    static let stranger = "864717003283599"
    /// A GT06 position report (12.645423, 101.985858).
    static let position = Hex.decode(
        Array("78782912170316053b3bcf015b51220af1201105d56100000000000000000000869c0130010000000238d1af0d0a".utf8))!

    static func pending(_ h: HubHarness) async throws -> [[String: Any]] {
        try await h.get("/api/v1/admission/pending").json["pending"] as? [[String: Any]] ?? []
    }

    static func auditActions(_ h: HubHarness) async throws -> [String] {
        let entries = try await h.get("/api/v1/audit?limit=200").json["entries"] as? [[String: Any]] ?? []
        return entries.map { "\($0["actor"] as? String ?? "") \($0["action"] as? String ?? "") \($0["target"] as? String ?? "")" }
    }

    @Test func anUnknownSealIsQuarantinedThenApprovedWithoutARestart() async throws {
        let devices = """
              - {id: seals, profile: gt06-eseal, listen: "127.0.0.1:0", units: ["\(Self.known)"], admission: quarantine}
            """
        let h = try await HubHarness(label: "admission-quarantine", devices: devices)
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("seals"))

        // The stranger is answered as if admitted, so it keeps talking…
        let unit = try LoopbackClient(port: port)
        let login = try #require(GT06Encoder.login(imei: Self.stranger, serial: 1))
        try unit.send(login)
        #expect(await unit.receive(timeoutMs: Self.replyWait)?.prefix(4) == [0x78, 0x78, 0x05, 0x01], "quarantine still acks the login")
        try unit.send(Self.position)
        let heartbeat = GT06Encoder.heartbeat(armed: true, serial: 2)
        try unit.send(heartbeat)
        #expect(await unit.receive(timeoutMs: Self.replyWait)?.prefix(4) == [0x78, 0x78, 0x05, 0x13], "and its heartbeat")

        // …is listed for the admin with where it came from and what it sent…
        #expect(await eventually { (try? await Self.pending(h).first?["frames"] as? Int) == 3 })
        let row = try #require(try await Self.pending(h).first)
        #expect(row["device"] as? String == "seals" && row["unit"] as? String == Self.stranger)
        #expect(row["verdict"] as? String == "quarantined")
        #expect((row["remoteAddress"] as? String)?.hasPrefix("127.0.0.1:") == true)
        #expect(row["firstSeen"] as? String != nil && row["lastSeen"] as? String != nil)
        // …counted, and nothing it said became an event.
        let counters = try #require((try await h.device("seals"))["counters"] as? [String: Any])
        #expect((counters["rejected"] as? [String: Any])?["quarantined"] as? Int == 3)
        #expect(try await h.events("device=\(Self.stranger)").isEmpty)
        #expect(try await h.events("kind=gps.fix").isEmpty)

        // The admin approves it: its quarantined connection is closed at its next frame, and its next
        // login is admitted, with no restart.
        let approve = try await h.post("/api/v1/admission/seals/\(Self.stranger)/approve", "")
        #expect(approve.status == 200 && approve.json["decision"] as? String == "approved")
        #expect(try await Self.pending(h).isEmpty)
        try unit.send(heartbeat)
        var closed = false
        for _ in 0..<60 where !closed { closed = await unit.receive(timeoutMs: 500) == nil }
        #expect(closed, "the quarantined connection ends once a decision is made")
        // Its bytes from quarantine are in the raw archive, as it sent them.
        let held = Array(SHA256.hash(data: login + Self.position + heartbeat + heartbeat)).map { String(format: "%02x", $0) }.joined()
        #expect(await eventually { (try? await h.get("/api/v1/raw/\(held)").status) == 200 })

        let again = try LoopbackClient(port: port)
        try again.send(try #require(GT06Encoder.login(imei: Self.stranger, serial: 3)))
        #expect(await again.receive(timeoutMs: Self.replyWait)?.prefix(4) == [0x78, 0x78, 0x05, 0x01])
        try again.send(Self.position)
        #expect(await eventually { (try? await h.events("kind=gps.fix").count) == 1 })
        #expect(try await h.events("device=\(Self.stranger)").count >= 2, "its login and its fix")

        let actions = try await Self.auditActions(h)
        #expect(actions.contains("hub admission.held seals/\(Self.stranger)"), "\(actions)")
        #expect(actions.contains("admin admission.approve seals/\(Self.stranger)"), "\(actions)")
        try await h.stop()

        // The decision is kept across a restart (it is read back from the audit log).
        let restarted = try await HubHarness(reusing: h.dir, devices: devices)
        #expect(await eventually { (try? await restarted.boundPort("seals")) ?? 0 > 0 })
        let third = try LoopbackClient(port: try #require(try await restarted.boundPort("seals")))
        try third.send(try #require(GT06Encoder.login(imei: Self.stranger, serial: 4)))
        #expect(await third.receive(timeoutMs: Self.replyWait)?.prefix(4) == [0x78, 0x78, 0x05, 0x01])
        try third.send(Self.position)
        #expect(await eventually { (try? await restarted.events("kind=gps.fix").count) == 2 })
        #expect(try await Self.pending(restarted).isEmpty)
        try await restarted.stop()
    }

    @Test func anUnknownTrackerIsRefusedAndADeniedOneStaysOut() async throws {
        let devices = """
              - {id: fleet, profile: teltonika-fmb, listen: "127.0.0.1:0", units: ["356307042441013"], admission: known}
              - {id: seals, profile: gt06-eseal, listen: "127.0.0.1:0", units: ["\(Self.known)"]}
            """
        let h = try await HubHarness(label: "admission-refuse", devices: devices)
        #expect(await eventually { (try? await h.boundPort("fleet")) ?? 0 > 0 })
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let fleet = try #require(try await h.boundPort("fleet"))
        let seals = try #require(try await h.boundPort("seals"))
        let imei = Array("356307042441099".utf8)

        // Teltonika: the handshake is answered 0x00 and the connection closed.
        let unit = try LoopbackClient(port: fleet)
        try unit.send([0x00, UInt8(imei.count)] + imei)
        #expect(await unit.receive(timeoutMs: Self.replyWait) == [0x00])
        #expect(await unit.receive(timeoutMs: Self.replyWait) == nil, "closed after the refusal")
        // GT06 with a list (known by default): no login ack, connection closed.
        let seal = try LoopbackClient(port: seals)
        try seal.send(try #require(GT06Encoder.login(imei: Self.stranger, serial: 1)))
        #expect(await seal.receive(timeoutMs: Self.replyWait) == nil, "no ack, closed")
        // A unit that skips its login does not slip past the list. Then a listed unit logs in on the
        // same connection: replies go out in order, so the first reply is its login's ack, and a
        // heartbeat ack would have come before it.
        let sneaky = try LoopbackClient(port: seals)
        try sneaky.send(Self.position + GT06Encoder.heartbeat(armed: true, serial: 1))
        try sneaky.send(try #require(GT06Encoder.login(imei: Self.known, serial: 2)))
        #expect(await sneaky.receive(timeoutMs: Self.replyWait)?.prefix(4) == [0x78, 0x78, 0x05, 0x01], "not even its heartbeat is acked")
        #expect(try await h.events("kind=gps.fix").isEmpty)

        #expect(await eventually { (try? await Self.pending(h).count) == 2 })
        let rows = try await Self.pending(h)
        #expect(Set(rows.map { "\($0["device"] as? String ?? "") \($0["unit"] as? String ?? "") \($0["verdict"] as? String ?? "")" })
            == ["fleet 356307042441099 refused", "seals \(Self.stranger) refused"])

        // Denied: off the list, and refused again without being listed again.
        #expect(try await h.post("/api/v1/admission/fleet/356307042441099/deny", "").status == 200)
        let retry = try LoopbackClient(port: fleet)
        try retry.send([0x00, UInt8(imei.count)] + imei)
        #expect(await retry.receive(timeoutMs: Self.replyWait) == [0x00])
        #expect(try await Self.pending(h).map { $0["unit"] as? String } == [Self.stranger])
        // A unit on the site list that an admin denies is refused from its next connection.
        #expect(try await h.post("/api/v1/admission/seals/\(Self.known)/deny", "").status == 200)
        let listed = try LoopbackClient(port: seals)
        try listed.send(try #require(GT06Encoder.login(imei: Self.known, serial: 1)))
        #expect(await listed.receive(timeoutMs: Self.replyWait) == nil)
        // Only listeners in the site config can be decided on.
        #expect(try await h.post("/api/v1/admission/nowhere/1/approve", "").status == 404)
        let actions = try await Self.auditActions(h)
        #expect(actions.contains("admin admission.deny fleet/356307042441099"))
        #expect(actions.contains("hub admission.held seals/\(Self.stranger)"))
        try await h.stop()
    }

    @Test func aBadAdmissionSettingNamesItsFileLineAndField() throws {
        let dir = try TemporaryDirectory("admission-config")
        let shipped = Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path
        func load(_ device: String) throws {
            let path = try dir.write(
                "site.yaml", "site: s\nprofiles: \(shipped)\nstore: {sqlite: hub.sqlite}\ndevices:\n\(device)\n")
            _ = try SiteConfig.load(path: path, knownProtocols: DriverCatalog.protocols)
        }
        do {
            try load("  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\",\n     admission: sometimes}")
            Issue.record("accepted admission: sometimes")
        } catch let e as ConfigError {
            #expect(e.field == "devices[0].admission" && e.line == 6, "\(e)")
            #expect(e.message.contains("known, quarantine or open"))
        }
        do {
            try load("  - id: rpm\n    profile: rapiscan-rpm\n    port: /dev/null\n    admission: known")
            Issue.record("accepted admission on a serial device")
        } catch let e as ConfigError {
            #expect(e.field == "devices[0].admission" && e.line == 8, "\(e)")
        }
    }
}
