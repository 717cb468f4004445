import Foundation
import HubServer
import Testing

/// The OpenAPI document describes exactly the routes the router serves.
@Suite(.timeLimit(.minutes(1)))
struct OpenAPITests {
    @Test func theDocumentDescribesEveryRouteAndNoOther() async throws {
        let h = try await HubHarness(label: "openapi")
        let served = h.hub.api.routes.map { $0.split(separator: " ", maxSplits: 1).map(String.init) }
        let r = try await h.get("/api/v1/openapi.json")
        try await h.stop()
        #expect(r.status == 200)
        #expect(r.json["openapi"] as? String == "3.1.0")
        let paths = try #require(r.json["paths"] as? [String: [String: Any]])
        var servedKeys = Set<String>()
        for route in served {
            let method = route[0].lowercased()
            let path = route.count > 1 ? route[1] : ""
            let openAPIPath = path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            servedKeys.insert("\(method) \(openAPIPath)")
            let operation = paths[openAPIPath]?[method] as? [String: Any]
            #expect(operation != nil, "\(method) \(path) is missing from the OpenAPI document")
            #expect((operation?["description"] as? String)?.isEmpty == false, "\(method) \(path) names no roles")
        }
        for (path, methods) in paths {
            for method in methods.keys {
                #expect(servedKeys.contains("\(method) \(path)"), "\(method) \(path) is documented but not served")
            }
        }
    }
}
