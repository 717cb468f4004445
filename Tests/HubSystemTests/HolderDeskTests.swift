import Foundation
import HubApp
import HubAppTesting
import HubIngest
import HubServer
import HubStore
import HubTesting
import Testing

/// Two replicas of one site on one PostgreSQL database, as behind a load balancer: the transit map
/// and an operator's passage resolution asked of the replica that does not correlate the site are
/// answered by the one that does (it alone keeps the transit watches and the open passages), and
/// when it stops the other takes over and answers from what it restored.
@Suite(.timeLimit(.minutes(3)))
struct HolderDeskTests {
    static let devices = "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}"

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func theReplicaThatDoesNotCorrelateAnswersWithTheHoldersMapAndResolutions() async throws {
        let store = StoreKind.postgresBlock(try await PostgresTestServer.scratch()) + "\n  leaseS: 2"
        let a = try await HubHarness(label: "desk-a", devices: Self.devices, site: "gate-a", store: store)
        let b = try await HubHarness(
            label: "desk-b", devices: Self.devices, site: "gate-a", store: store, adminToken: a.adminToken)
        // One of them correlates (the first to take the lease); both hear the database's notices.
        #expect(await eventually { a.hub.transits.running != b.hub.transits.running })
        #expect(await eventually { a.hub.liveRelay?.notices.isListening == true && b.hub.liveRelay?.notices.isListening == true })
        let (holder, other) = a.hub.transits.running ? (a, b) : (b, a)
        #expect(!other.hub.passages.running)

        // The declaration and the seal's reports reach the replica that does not correlate.
        #expect(try await other.post("/api/v1/declarations", TransitTests.declaration).status == 201)
        #expect(await eventually { (try? await other.boundPort("seals")) ?? 0 > 0 })
        let seal = try LoopbackClient(port: try #require(try await other.boundPort("seals")))
        // Positions of the last minutes: a hub taking the transit over reads back what was observed
        // since a day before the declaration arrived, as a seal that was offline may deliver late.
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX")
        stamp.timeZone = TimeZone(identifier: "UTC")
        stamp.dateFormat = "yyyyMMddHHmmss"
        let t0 = Date().addingTimeInterval(-120)
        for (n, p) in [(10.80, 106.71), (10.81, 106.70)].enumerated() {
            let at = stamp.string(from: t0.addingTimeInterval(Double(n) * 60))
            try seal.send("##S,eSeal,ES-0042,\(n + 1),POS,\(at)," + String(format: "%.5f,%.5f", p.0, p.1) + ",87,E##\r\n")
            #expect(await seal.receive(timeoutMs: 15_000)?.isEmpty == false, "acked")
        }
        func transits(_ h: HubHarness) async -> [[String: Any]] {
            (try? await h.get("/api/v1/transits").json["transits"] as? [[String: Any]]) ?? []
        }
        #expect(await eventually(timeout: .seconds(30)) { (await transits(holder).first?["track"] as? [Any])?.count == 2 })

        // The other replica shows the holder's map, the same transit with the same track.
        #expect(await eventually { NSArray(array: await transits(other)).isEqual(to: await transits(holder)) })
        let shown = try #require(await transits(other).first)
        #expect(shown["declaration"] as? String == "500000000001" && shown["seal"] as? String == "ES-0042")
        #expect((shown["track"] as? [[String: Any]])?.compactMap { $0["lat"] as? Double } == [10.80, 10.81])

        // A resolution asked of the other replica is the holder's to judge: an event it holds no
        // open passage for is unknown there (404), not "no replica answered" (503).
        let operatorToken = try await other.token("operator")
        let unknown = try await other.post("/api/v1/passages/P-1/resolve", #"{"event": "01JNOPE"}"#, token: operatorToken)
        #expect(unknown.status == 404, "\(unknown.json)")
        #expect((unknown.json["error"] as? String)?.contains("no longer open to resolution") == true)

        // The holder stops (its leases released): the other takes correlation over, restores the
        // transit from the store and answers for itself.
        try await holder.stop()
        #expect(await eventually(timeout: .seconds(30)) { other.hub.transits.running })
        #expect(await eventually(timeout: .seconds(30)) {
            (await transits(other).first?["track"] as? [[String: Any]])?.compactMap { $0["lat"] as? Double } == [10.80, 10.81]
        })
        try await other.stop()
    }
}
