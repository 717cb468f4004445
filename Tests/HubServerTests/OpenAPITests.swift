import Foundation
import HubApp
import HubAppTesting
import HubServer
import HubTesting
import Testing

/// The OpenAPI document describes exactly the routes the router serves.
@Suite(.timeLimit(.minutes(3)))
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

    /// A schema says something: a type, an enum, a constant or a reference, and an object names
    /// its properties (or the type of its values).
    static func says(_ schema: Any?) -> Bool {
        guard let s = schema as? [String: Any], !s.isEmpty else { return false }
        if s["$ref"] != nil || s["enum"] != nil || s["const"] != nil { return true }
        guard let type = s["type"] as? String else { return false }
        if type == "object" { return s["properties"] != nil || s["additionalProperties"] != nil || s["required"] != nil }
        if type == "array" { return says(s["items"]) }
        return true
    }

    @Test func everyOperationHasRealSchemasAndEveryReferenceResolves() async throws {
        let h = try await HubHarness(label: "openapi-schemas")
        let r = try await h.get("/api/v1/openapi.json")
        let raw = try await h.request("GET", "/api/v1/openapi.json").text
        try await h.stop()
        let paths = try #require(r.json["paths"] as? [String: [String: [String: Any]]])
        let schemas = try #require((r.json["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var operations = 0
        for (path, methods) in paths {
            for (method, op) in methods {
                operations += 1
                let name = "\(method) \(path)"
                let responses = try #require(op["responses"] as? [String: [String: Any]], "\(name) has no responses")
                for (status, response) in responses {
                    for (type, media) in response["content"] as? [String: [String: Any]] ?? [:] {
                        #expect(Self.says(media["schema"]), "\(name) \(status) \(type) has an empty schema")
                    }
                }
                #expect(responses.keys.contains { $0.hasPrefix("2") && responses[$0]?["content"] != nil }, "\(name): no success body")
                if let body = op["requestBody"] as? [String: Any] {
                    for (type, media) in body["content"] as? [String: [String: Any]] ?? [:] {
                        #expect(Self.says(media["schema"]), "\(name) request \(type) has an empty schema")
                    }
                }
                for p in op["parameters"] as? [[String: Any]] ?? [] {
                    #expect(Self.says(p["schema"]), "\(name) parameter \(p["name"] ?? "?") is untyped")
                }
            }
        }
        #expect(operations > 40)
        // Typed where it matters: limits are bounded integers, times are date-times, enums are listed.
        let events = try #require(paths["/api/v1/events"]?["get"]?["parameters"] as? [[String: Any]])
        func schema(_ n: String) -> [String: Any]? { events.first { $0["name"] as? String == n }?["schema"] as? [String: Any] }
        #expect(schema("limit")?["type"] as? String == "integer" && schema("limit")?["maximum"] as? Int == 1000)
        #expect(schema("since")?["format"] as? String == "date-time")
        #expect(schema("severity")?["enum"] as? [String] == ["info", "warning", "alarm"])
        // Every reference names a component.
        let refs = raw.components(separatedBy: "\"#/components/schemas/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(!refs.isEmpty)
        for ref in Set(refs) { #expect(schemas[ref] != nil, "#/components/schemas/\(ref) is not defined") }
        for name in ["InspectionEvent", "Declaration", "Passage", "Adjudication", "Token", "User", "AuditEntry", "Error", "Transit"] {
            #expect(schemas[name] != nil, "no \(name) component")
        }
    }

    /// The InspectionEvent component has the shape of the event's own JSON Schema.
    @Test func theEventComponentFollowsTheEventSchemaFile() async throws {
        let h = try await HubHarness(label: "openapi-event")
        let r = try await h.get("/api/v1/openapi.json")
        try await h.stop()
        let component = try #require(
            ((r.json["components"] as? [String: Any])?["schemas"] as? [String: Any])?["InspectionEvent"] as? [String: Any])
        let file = Corpus.packageRoot.appendingPathComponent("Schemas/inspection-event-v1.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        #expect(Set(component["required"] as? [String] ?? []) == Set(schema["required"] as? [String] ?? ["?"]))
        let mine = component["properties"] as? [String: Any] ?? [:], theirs = schema["properties"] as? [String: Any] ?? [:]
        #expect(Set(mine.keys) == Set(theirs.keys))
        for key in ["id", "kind"] {
            #expect((mine[key] as? [String: Any])?["pattern"] as? String == (theirs[key] as? [String: Any])?["pattern"] as? String)
        }
        #expect((mine["severity"] as? [String: Any])?["enum"] as? [String] == (theirs["severity"] as? [String: Any])?["enum"] as? [String])
    }
}
