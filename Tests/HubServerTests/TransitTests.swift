import Foundation
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An e-seal reporting over TCP on a transit declared with a corridor: leaving the corridor and
/// opening the seal on the way become `transit.*` alarms tied to the declaration.
@Suite(.timeLimit(.minutes(1)))
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
            #expect(await seal.receive()?.isEmpty == false, "acked")
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
        try await h.stop()
    }
}
