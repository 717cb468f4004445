import Foundation
import HubAppTesting
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Commands to GPS e-seals and trackers over loopback TCP, a unit played with the drivers' own
/// encoders: the bytes each protocol's unit receives, its answer, and the `seal.command` events
/// that follow; the timeout; an unlock outside the destination zone held for a second supervisor.
@Suite(.timeLimit(.minutes(3)))
struct SealCommandTests {
    static let imei = "864717003283581"

    /// The `seal.command` events of command `id`, oldest first, as their data.
    static func states(_ h: HubHarness, _ id: String) async throws -> [[String: Any]] {
        try await h.events("kind=seal.command&limit=100").compactMap { $0["data"] as? [String: Any] }.filter { $0["commandId"] as? String == id }
    }

    static func results(_ h: HubHarness, _ id: String) async -> [String] {
        ((try? await states(h, id)) ?? []).compactMap { $0["result"] as? String }
    }

    /// Bytes from the hub until `done` holds for them (each wait ends when bytes arrive).
    static func read(_ unit: LoopbackClient, until done: ([UInt8]) -> Bool) async -> [UInt8] {
        var got: [UInt8] = []
        while !done(got), let more = await unit.receive(timeoutMs: 30_000), !more.isEmpty { got += more }
        return got
    }

    static func gt06Hub(_ label: String, extra: String = "") async throws -> (HubHarness, LoopbackClient) {
        let h = try await HubHarness(
            label: label, devices: "  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}", siteExtra: extra)
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        try unit.send(try #require(GT06Encoder.login(imei: imei, serial: 1)))
        let ack = await read(unit) { $0.count >= 10 }
        try #require(ack.count == 10 && ack[3] == 0x01, "login acked")
        return (h, unit)
    }

    @Test func gt06PositionCommandRoundTrip() async throws {
        let (h, unit) = try await Self.gt06Hub("cmd-gt06")
        let sam = try await h.token("supervisor", owner: "sam")
        let asked = try await h.post("/api/v1/seals/\(Self.imei)/commands", #"{"command": "position", "reason": "where is it"}"#, token: sam)
        #expect(asked.status == 202)
        let id = try #require(asked.json["id"] as? String)
        #expect(asked.json["state"] as? String == "sent" && asked.json["sentText"] as? String == "WHERE#")
        // The unit reads a 0x80 server command; its flag pairs the answer with it.
        let bytes = await Self.read(unit) { GT06Commands.readServerCommand($0) != nil }
        let command = try #require(GT06Commands.readServerCommand(bytes))
        #expect(command.text == "WHERE#")
        #expect(bytes == GT06Commands.serverCommand("WHERE#", flag: command.flag, serial: UInt16(truncatingIfNeeded: command.flag)))
        try unit.send(GT06Commands.stringInformation("Lat:N22.5,Lon:E114.0", flag: command.flag, serial: 2))
        #expect(await eventually { await Self.results(h, id) == ["sent", "executed"] })
        let done = try #require(try await Self.states(h, id).last)
        #expect(done["answer"] as? String == "Lat:N22.5,Lon:E114.0" && done["by"] as? String == "sam")
        #expect(done["protocol"] as? String == "gt06" && done["reason"] as? String == "where is it")
        #expect(await eventually { "\((try? await h.get("/api/v1/audit?action=seal.command"))?.json ?? [:])".contains("where is it") },
                "the command, its unit and reason are audited")
        try await h.stop()
    }

    @Test func aUnitThatDoesNotAnswerTimesOut() async throws {
        let (h, unit) = try await Self.gt06Hub("cmd-timeout", extra: "sealCommands:\n  timeoutS: 1")
        let sam = try await h.token("supervisor", owner: "sam")
        let asked = try await h.post("/api/v1/seals/\(Self.imei)/commands", #"{"command": "lock", "reason": "night"}"#, token: sam)
        let id = try #require(asked.json["id"] as? String)
        let bytes = await Self.read(unit) { GT06Commands.readServerCommand($0) != nil }
        #expect(GT06Commands.readServerCommand(bytes)?.text == "RELAY,1#")
        // The unit stays silent; the hub's own deadline ends the command.
        #expect(await eventually { await Self.results(h, id) == ["sent", "timed-out"] })
        try await h.stop()
    }

    @Test func teltonikaSetdigoutRoundTrip() async throws {
        let h = try await HubHarness(label: "cmd-teltonika", devices: "  - {id: fleet, profile: teltonika-fmb, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("fleet")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("fleet")))
        try unit.send(TeltonikaEncoder.handshake(imei: "356307042441013"))
        #expect(await unit.receive(timeoutMs: 30_000) == [0x01])
        let sam = try await h.token("supervisor", owner: "sam")
        let asked = try await h.post("/api/v1/seals/356307042441013/commands", #"{"command": "lock", "reason": "parked"}"#, token: sam)
        let id = try #require(asked.json["id"] as? String)
        let bytes = await Self.read(unit) { $0.count >= TeltonikaCommands.command("setdigout 0").count }
        #expect(bytes == TeltonikaCommands.command("setdigout 0"), "codec 12, type 5, `setdigout 0`, CRC-16/IBM")
        // A second command while the first waits: Teltonika answers name no command, one at a time.
        let second = try await h.post("/api/v1/seals/356307042441013/commands", #"{"command": "position", "reason": "x"}"#, token: sam)
        #expect(second.status == 409)
        try unit.send(TeltonikaCommands.response("DOUT1:0 DOUT2:IGNORED"))
        #expect(await eventually { await Self.results(h, id) == ["sent", "executed"] })
        #expect(try await Self.states(h, id).last?["answer"] as? String == "DOUT1:0 DOUT2:IGNORED")
        try await h.stop()
    }

    static func esealHub(_ label: String, at position: (Double, Double)) async throws -> (HubHarness, LoopbackClient) {
        let h = try await HubHarness(label: label, devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}")
        // The seal's transit (`TransitTests.declaration`) ends at 11.07 N 106.19 E.
        #expect(try await h.post("/api/v1/declarations", TransitTests.declaration).status == 201)
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let seal = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        try seal.send(String(format: "##S,eSeal,ES-0042,1,POS,20261125100000,%.5f,%.5f,87,E##\r\n", position.0, position.1))
        #expect(await read(seal) { String(decoding: $0, as: UTF8.self).contains("##A,") }.isEmpty == false, "acked")
        return (h, seal)
    }

    /// The command line the seal read, once it has come.
    static func commandLine(_ seal: LoopbackClient) async -> (id: String, commandID: String, word: String)? {
        let bytes = await read(seal) { !ESealCommands.commands(in: String(decoding: $0, as: UTF8.self)).isEmpty }
        return ESealCommands.commands(in: String(decoding: bytes, as: UTF8.self)).first
    }

    @Test func esealUnlockInTheDestinationZoneAcknowledgedThenExecuted() async throws {
        let (h, seal) = try await Self.esealHub("cmd-eseal", at: (11.0705, 106.1905))
        let sam = try await h.token("supervisor", owner: "sam")
        let asked = try await h.post("/api/v1/seals/ES-0042/commands", #"{"command": "unlock", "reason": "arrived"}"#, token: sam)
        #expect(asked.status == 202 && asked.json["state"] as? String == "sent")
        #expect((asked.json["zone"] as? String)?.hasPrefix("in the destination zone") == true)
        let id = try #require(asked.json["id"] as? String)
        let line = try #require(await Self.commandLine(seal))
        #expect(line.id == "ES-0042" && line.commandID == id && line.word == "UNLOCK")
        try seal.send(ESealCommands.answer(id: "ES-0042", commandID: id, result: "ACK"))
        #expect(await eventually { await Self.results(h, id) == ["sent", "acknowledged"] })
        try seal.send(ESealCommands.answer(id: "ES-0042", commandID: id, result: "OK", detail: "unlocked"))
        #expect(await eventually { await Self.results(h, id) == ["sent", "acknowledged", "executed"] })
        try await h.stop()
    }

    /// Held unlock `id` of ES-0042: its requester's own approval refused (four eyes), a second
    /// supervisor's sent, the UNLOCK line the seal reads, its OK, and the command executed.
    static func approveAndExecute(
        _ h: HubHarness, _ seal: LoopbackClient, _ id: String, requester: String, approver: String, approverName: String
    ) async throws {
        let own = try await h.post("/api/v1/seals/ES-0042/commands/\(id)/approve", "{}", token: requester)
        #expect(own.status == 409 && (own.json["error"] as? String)?.contains("four eyes") == true)
        let approved = try await h.post("/api/v1/seals/ES-0042/commands/\(id)/approve", "{}", token: approver)
        #expect(approved.status == 202 && approved.json["state"] as? String == "sent" && approved.json["approvedBy"] as? String == approverName)
        let line = try #require(await commandLine(seal))
        #expect(line.commandID == id && line.word == "UNLOCK")
        try seal.send(ESealCommands.answer(id: "ES-0042", commandID: id, result: "OK"))
        #expect(await eventually { await results(h, id) == ["pending-approval", "sent", "executed"] })
    }

    @Test func unlockOutsideTheZoneWaitsForASecondSupervisor() async throws {
        let (h, seal) = try await Self.esealHub("cmd-approve", at: (10.80, 106.71))
        let sam = try await h.token("supervisor", owner: "sam")
        let kim = try await h.token("supervisor", owner: "kim")
        let olga = try await h.token("operator", owner: "olga")
        let body = #"{"command": "unlock", "reason": "inspection on the road"}"#
        #expect(try await h.post("/api/v1/seals/ES-0042/commands", body, token: olga).status == 403, "an operator may not command a seal")
        let asked = try await h.post("/api/v1/seals/ES-0042/commands", body, token: sam)
        #expect(asked.status == 202 && asked.json["state"] as? String == "pending-approval")
        #expect((asked.json["zone"] as? String)?.contains("outside the destination zone") == true)
        let id = try #require(asked.json["id"] as? String)
        #expect(await Self.results(h, id) == ["pending-approval"])
        #expect(try await h.post("/api/v1/seals/ES-0042/commands/\(id)/approve", "{}", token: olga).status == 403)
        try await Self.approveAndExecute(h, seal, id, requester: sam, approver: kim, approverName: "kim")
        #expect(try await Self.states(h, id).last?["approvedBy"] as? String == "kim")
        try await h.stop()
    }

    /// An unlock held for approval outlives a restart of the hub: its newest `seal.command` event says
    /// it waits, and the second supervisor approves it on the restarted hub once the seal dials in again.
    @Test func anUnlockWaitingForApprovalIsStillThereAfterARestart() async throws {
        let (first, oldLink) = try await Self.esealHub("cmd-restart", at: (10.80, 106.71))
        let sam = try await first.token("supervisor", owner: "sam")
        let kim = try await first.token("supervisor", owner: "kim")
        let asked = try await first.post("/api/v1/seals/ES-0042/commands", #"{"command": "unlock", "reason": "inspection on the road"}"#, token: sam)
        let id = try #require(asked.json["id"] as? String, "\(asked.status) \(asked.json)")
        #expect(asked.json["state"] as? String == "pending-approval")
        try await first.stop()
        // The old connection stays open until the hub that held it has stopped.
        withExtendedLifetime(oldLink) {}

        let h = try await HubHarness(
            reusing: first.dir, devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}", adminToken: first.adminToken)
        // Asked about it before the seal is back: still waiting, as the stored event says.
        let held = try await h.get("/api/v1/seals/ES-0042/commands/\(id)")
        #expect(held.status == 200 && held.json["state"] as? String == "pending-approval" && held.json["by"] as? String == "sam", "\(held.json)")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let seal = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        try seal.send("##S,eSeal,ES-0042,1,POS,20261125110000,10.80000,106.71000,87,E##\r\n")
        #expect(await Self.read(seal) { String(decoding: $0, as: UTF8.self).contains("##A,") }.isEmpty == false, "acked")
        // The requester still may not approve it; a second supervisor does, and it is sent and executed.
        try await Self.approveAndExecute(h, seal, id, requester: sam, approver: kim, approverName: "kim")
        // Approved once: a second approval finds it sent.
        #expect(try await h.post("/api/v1/seals/ES-0042/commands/\(id)/approve", "{}", token: kim).status == 409)
        try await h.stop()
    }

    @Test func theESealSimulatorAnswersAnApprovedUnlockAndReportsItUnlocked() async throws {
        let h = try await HubHarness(label: "cmd-sim", devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("seals"))
        let sim = try SimulatorProcess(["eseal", "--port", "\(port)", "--reports", "2000", "--interval", "0.2"], in: h.dir)
        // The fleet's first seal (IMEI base 864000000000000) is SEAL00000000; its first report locks it.
        let statuses = { ((try? await h.events("kind=seal.status&limit=1000")) ?? []).compactMap { ($0["data"] as? [String: Any])?["status"] as? String } }
        #expect(await eventually { await statuses().contains("lock") })
        let sam = try await h.token("supervisor", owner: "sam")
        let kim = try await h.token("supervisor", owner: "kim")
        // No transit names this seal: an unlock waits for a second supervisor.
        let asked = try await h.post("/api/v1/seals/SEAL00000000/commands", #"{"command": "unlock", "reason": "test"}"#, token: sam)
        #expect(asked.json["state"] as? String == "pending-approval")
        let id = try #require(asked.json["id"] as? String)
        #expect(try await h.post("/api/v1/seals/SEAL00000000/commands/\(id)/approve", "{}", token: kim).status == 202)
        #expect(await eventually { await Self.results(h, id) == ["pending-approval", "sent", "executed"] })
        #expect(await eventually { await statuses().contains("unlock") }, "the simulated seal reports itself unlocked")
        #expect(sim.process.isRunning)
        try await h.stop()
    }
}
