import Foundation
import HubApp
import HubAppTesting
import HubDrivers
import HubIngest
import HubServer
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An e-seal reporting over TCP on a transit declared with a corridor: leaving the corridor and
/// opening the seal on the way become `transit.*` alarms tied to the declaration.
@Suite(.timeLimit(.minutes(2)))
struct TransitTests {
    static let declaration = """
        {"number": "500000000001", "type": "transit", "office": "02CI", "trader": {"tin": "0301234567"},
         "seals": ["ES-0042"], "channel": "green",
         "transit": {"origin": "02CI", "destination": "45BC", "bufferM": 500,
                     "corridor": [[10.76, 106.79], [10.90, 106.50], [11.07, 106.19]],
                     "start": "2026-11-25T00:00:00Z", "end": "2099-01-01T00:00:00Z"}}
        """

    @Test func corridorDeviationAndASealOpenedOnTheWay() async throws {
        let h = try await HubHarness(
            label: "transit", devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}")
        #expect(try await h.post("/api/v1/declarations", Self.declaration).status == 201)
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let seal = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        func report(_ seq: Int, _ event: String, _ minute: Int, _ lat: Double, _ lon: Double) async throws {
            try seal.send(String(format: "##S,eSeal,ES-0042,%d,%@,20261125%02d%02d00,%.5f,%.5f,87,E##\r\n", seq, event, 10 + minute / 60, minute % 60, lat, lon))
            #expect(await seal.receive(timeoutMs: 15_000)?.isEmpty == false, "acked")
        }
        try await report(1, "POS", 0, 10.80, 106.71)  // on the corridor
        for i in 0..<3 { try await report(2 + i, "POS", 10 + i, 10.86, 106.70) }  // about 5 km off it
        try await report(5, "DOOR", 20, 10.86, 106.70)
        #expect(await eventually { (try? await h.events("kind=transit.deviation").count) == 1 })
        #expect(await eventually { (try? await h.events("kind=transit.seal").count) == 1 })
        let deviation = try #require(try await h.events("kind=transit.deviation").first)
        #expect(deviation["severity"] as? String == "alarm")
        #expect((deviation["subject"] as? [String: Any])?["declaration"] as? String == "500000000001")
        #expect(((deviation["data"] as? [String: Any])?["distanceM"] as? Double ?? 0) > 500)

        // The map's view of it: corridor, track, where it left, and the seal alarm as its status.
        let map = try await h.get("/api/v1/transits")
        let transit = try #require((map.json["transits"] as? [[String: Any]])?.first)
        #expect(transit["declaration"] as? String == "500000000001")
        #expect(transit["seal"] as? String == "ES-0042")
        #expect((transit["corridor"] as? [[Double]])?.count == 3)
        #expect(transit["bufferM"] as? Double == 500)
        #expect((transit["track"] as? [[String: Any]])?.compactMap { $0["outside"] as? Bool } == [false, true, true, true, true], "the DOOR report has a position too")
        #expect((transit["position"] as? [String: Any])?["lat"] as? Double == 10.86)
        #expect((transit["leftAt"] as? [String: Any])?["at"] as? String == "2026-11-25T10:10:00.000Z")
        #expect(transit["status"] as? String == "seal-alarm")
        #expect(transit["sealReport"] as? String == "opened")
        try await h.stop()
    }

    /// A GT06 e-seal is its own seal: its location packets name no seal, yet they move its transit.
    @Test func aGT06SealsPositionsMoveItsTransitOnTheMap() async throws {
        let h = try await HubHarness(
            label: "transit-gt06", devices: "  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}")
        let imei = "864717000000777"
        let declaration = Self.declaration.replacingOccurrences(of: "ES-0042", with: imei)
            .replacingOccurrences(of: "500000000001", with: "500000000002")
        #expect(try await h.post("/api/v1/declarations", declaration).status == 201)
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        try unit.send(try #require(GT06Encoder.login(imei: imei, serial: 1)))
        #expect(await unit.receive(timeoutMs: 15_000)?.isEmpty == false, "login acked")
        // Fixes from the last minutes: the watch's clock judges silence against now, and a fix
        // from weeks ago would (rightly) read as a lost signal whenever its tick comes first.
        let t0 = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 120)
        for (i, p) in [(10.80, 106.71), (10.83, 106.65)].enumerated() {
            let at = t0.addingTimeInterval(Double(i) * 60)
            try unit.send(GT06Encoder.location(.init(at: at, lat: p.0, lon: p.1, speedKmh: 60), serial: UInt16(2 + i)))
        }
        #expect(await eventually(timeout: .seconds(60)) {
            let transits = (try? await h.get("/api/v1/transits").json["transits"] as? [[String: Any]]) ?? []
            return (transits.first?["track"] as? [Any])?.count == 2
        })
        let transit = try #require((try await h.get("/api/v1/transits").json["transits"] as? [[String: Any]])?.first)
        #expect(transit["seal"] as? String == imei && transit["status"] as? String == "on-route")
        let position = try #require(transit["position"] as? [String: Any])
        #expect(abs((position["lat"] as? Double ?? 0) - 10.83) < 0.001 && abs((position["lon"] as? Double ?? 0) - 106.65) < 0.001)
        try await h.stop()
    }

    /// The hub remembers which seals have no transit, so a seal's every report does not query the
    /// store; a declaration saved later must still be seen at the seal's next report.
    @Test func aDeclarationPostedAfterItsSealStartedReportingIsPickedUp() async throws {
        let h = try await HubHarness(
            label: "transit-late", devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let seal = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        func report(_ seq: Int, _ minute: Int, _ lat: Double, _ lon: Double) async throws {
            try seal.send(String(format: "##S,eSeal,ES-0042,%d,POS,20261125%02d%02d00,%.5f,%.5f,87,E##\r\n", seq, 10 + minute / 60, minute % 60, lat, lon))
            #expect(await seal.receive(timeoutMs: 15_000)?.isEmpty == false, "acked")
        }
        try await report(1, 0, 10.80, 106.71)
        try await report(2, 1, 10.81, 106.70)
        // Both reports (queued for the transit stage before they were acked) went through it and
        // found no transit for the seal.
        #expect(await eventually { h.hub.transits.meter.depth == 0 })
        let before = (try await h.get("/api/v1/transits").json["transits"] as? [Any]) ?? []
        #expect(before.isEmpty, "no declaration names the seal yet")
        #expect(try await h.post("/api/v1/declarations", Self.declaration).status == 201)
        try await report(3, 2, 10.86, 106.70)
        #expect(await eventually(timeout: .seconds(60)) {
            let transits = (try? await h.get("/api/v1/transits").json["transits"] as? [[String: Any]]) ?? []
            return transits.first?["declaration"] as? String == "500000000001" && (transits.first?["track"] as? [Any])?.count == 1
        })
        try await h.stop()
    }
}
