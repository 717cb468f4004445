import Foundation
import HubTesting
import Testing

/// `niihub bench-attribution` on a small queue: it runs, its shares add up, and nothing went
/// silently to another truck. No timing is asserted.
@Suite(.timeLimit(.minutes(2)))
struct BenchAttributionTests {
    @Test func aSmallQueueHasNoSilentMisattribution() throws {
        let dir = try TemporaryDirectory("bench-attribution")
        let r = try CommandLineTests.run(["bench-attribution", "--trucks", "200", "--seed", "1", "--json", dir.path("a.json")])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        #expect(r.out.contains("wrong (silent misattributions): 0"), "\(r.out)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("a.json")))) as? [String: Any])
        let evidence = try #require(json["evidence"] as? Int)
        #expect(json["trucks"] as? Int == 200)
        #expect(evidence > 200)
        #expect(json["wrong"] as? Int == 0)
        let parts = ["right", "ambiguous", "unattributed", "wrong"].compactMap { json[$0] as? Int }
        #expect(parts.reduce(0, +) == evidence)
    }
}
