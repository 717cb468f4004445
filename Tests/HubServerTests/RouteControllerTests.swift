import Foundation
import Hummingbird
import HubApp
import HubAppTesting
import HubStore
import HubTesting
import Logging
import Testing

@testable import HubServer

/// Routes are declared once, in their controller, with their rule and OpenAPI operation together:
/// the document is made from the route table, so it lists the router's API routes exactly, with the
/// roles their rules grant, and an API route registered without an operation stops the start.
@Suite(.timeLimit(.minutes(3)))
struct RouteControllerTests {
    @Test func theDocumentListsExactlyTheRoutersAPIRoutesWithTheirRules() async throws {
        let h = try await HubHarness(label: "route-controllers")
        let api = h.hub.api
        let r = try await h.get("/api/v1/openapi.json")
        try await h.stop()
        let paths = try #require(r.json["paths"] as? [String: [String: [String: Any]]])
        // The router describes a route as "GET /api/v1/events/{id}", the document's own spelling.
        let served = Set(api.routes.filter { $0.split(separator: " ")[1].hasPrefix("/api/") })
        let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            .filter { $0.split(separator: " ")[1].hasPrefix("/api/") }
        #expect(served.count > 40)
        #expect(documented == served, "documented only: \(documented.subtracting(served)), served only: \(served.subtracting(documented))")
        for rule in api.routeRules {
            let path = String(rule.description.split(separator: " ")[1])
            let operation = paths[path]?[rule.method.rawValue.lowercased()]
            #expect(operation?["description"] as? String == OpenAPIDocument.roles(rule.access), "\(rule) has other roles in the document")
            #expect((operation?["security"] != nil) == (rule.access == .open), "\(rule): open in one and not the other")
        }
    }

    /// An `/api/` route without its operation fails the start; the page and health check outside
    /// `/api/` may go undocumented, and a documented API route passes.
    @Test func anAPIRouteWithoutAnOperationFailsTheStart() throws {
        let table = RouteTable(auth: nil, origins: OriginPolicy(tls: false), logger: Logger(label: "t"))
        table.get("/outside", .open) { _, _ in Response(status: .ok) }
        table.get("/api/v1/documented", .people, doc: .init(summary: "Documented.", response: OpenAPISchemas.string)) { _, _ in
            Response(status: .ok)
        }
        try table.checkEveryAPIRouteIsDocumented()
        table.post("/api/v1/forgotten", .admin, audit: "forgotten") { _, _ in Response(status: .ok) }
        let error = #expect(throws: RouteTable.UndocumentedRoutes.self) { try table.checkEveryAPIRouteIsDocumented() }
        #expect(error?.routes == ["POST /api/v1/forgotten"])
        // Only the documented routes reach the document.
        let paths = OpenAPIDocument.document(table.entries)["paths"] as? [String: [String: Any]] ?? [:]
        #expect(Set(paths.keys) == ["/api/v1/documented"])
    }
}
