import Foundation
import HubAppTesting
import HubTesting
import Testing

/// Two hubs, one per site, writing to one PostgreSQL database: an analyst at either sees both
/// sites' events, passages and declarations, and a site filter keeps to one.
@Suite(.timeLimit(.minutes(3)))
struct SharedPostgresTests {
    static func declaration(_ number: String, site: String, container: String) -> String {
        """
        {"number": "\(number)", "type": "import", "office": "03CE", "site": "\(site)", "trader": {"tin": "0301234567"},
         "containers": ["\(container)"], "plates": ["51C-123.45"], "channel": "green"}
        """
    }

    /// A search row's declaration number.
    static func number(_ row: [String: Any]) -> String? { (row["declaration"] as? [String: Any])?["number"] as? String }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func twoSitesOneDatabaseAnalystsQueryAcrossSites() async throws {
        let store = StoreKind.postgresBlock(try await PostgresTestServer.scratch())
        let (a, ptyA) = try await PassageTests.alarmedPassage(
            label: "site-a", containerRead: "CSQU3054383", site: "gate-a", store: store)
        // Site B's hub shares the database, so the users and tokens site A's first start made.
        let (b, ptyB) = try await PassageTests.alarmedPassage(
            label: "site-b", containerRead: "TCNU7200794", site: "gate-b", store: store, adminToken: a.adminToken)
        _ = (ptyA, ptyB)
        #expect(FileManager.default.fileExists(atPath: b.dir.path("data/admin-credential.json")) == false)
        #expect(try await a.post("/api/v1/declarations", Self.declaration("500000000001", site: "gate-a", container: "CSQU3054383")).status == 201)
        #expect(try await b.post("/api/v1/declarations", Self.declaration("500000000002", site: "gate-b", container: "TCNU7200794")).status == 201)

        for hub in [a, b] {
            let analyst = try await hub.token("analyst")
            func get(_ path: String) async throws -> [String: Any] {
                let r = try await hub.request("GET", path, token: analyst)
                #expect(r.status == 200, "\(path)")
                return r.json
            }
            // Events of both sites, each site's alone with its filter; ids unique across hubs.
            let occupancies = try await get("/api/v1/events?kind=radiation.occupancy&limit=1000")["events"] as? [[String: Any]] ?? []
            #expect(Set(occupancies.compactMap { $0["site"] as? String }) == ["gate-a", "gate-b"])
            let all = try await get("/api/v1/events?limit=1000")["events"] as? [[String: Any]] ?? []
            let ids = all.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == ids.count && ids.count > 10)
            let onlyB = try await get("/api/v1/events?site=gate-b&limit=1000")["events"] as? [[String: Any]] ?? []
            #expect(!onlyB.isEmpty && onlyB.allSatisfy { $0["site"] as? String == "gate-b" })
            #expect(onlyB.count < all.count)

            // Passages: one per site, found by site and by container whichever hub is asked.
            let passages = try await get("/api/v1/passages")["passages"] as? [[String: Any]] ?? []
            #expect(Set(passages.compactMap { $0["site"] as? String }) == ["gate-a", "gate-b"])
            let atA = try await get("/api/v1/passages?site=gate-a")["passages"] as? [[String: Any]] ?? []
            #expect(atA.count == 1 && (atA.first?["containers"] as? [String]) == ["CSQU3054383"])
            let byContainer = try await get("/api/v1/passages?container=TCNU7200794")["passages"] as? [[String: Any]] ?? []
            #expect(byContainer.map { $0["site"] as? String } == ["gate-b"])

            // Declarations: both numbers; each site's by its filter.
            let declarations = try await get("/api/v1/declarations/search")["declarations"] as? [[String: Any]] ?? []
            #expect(declarations.compactMap { Self.number($0) } == ["500000000001", "500000000002"])
            let atB = try await get("/api/v1/declarations/search?site=gate-b")["declarations"] as? [[String: Any]] ?? []
            #expect(atB.compactMap { Self.number($0) } == ["500000000002"])
        }
        try await a.stop()
        try await b.stop()
    }
}
