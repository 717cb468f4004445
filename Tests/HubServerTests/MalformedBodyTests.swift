import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HubAppTesting
import HubTesting
import Testing

/// Every route that reads a body, posted what a broken or hostile client sends: each gets a 4xx with
/// a JSON reason (400, or 413 for a body past the route's limit, 415 for a type it does not read),
/// never a 5xx, and nothing is stored.
@Suite(.timeLimit(.minutes(3)))
struct MalformedBodyTests {
    /// A body and the content type it is sent with (nil: none).
    struct Body: Sendable, CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var contentType: String? = "application/json"
        var status = 400
        var description: String { name }
    }

    /// Deep enough to overflow a naive recursive parser, small enough for every route's size limit.
    static let nested = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)

    static let bodies: [Body] = [
        Body(name: "empty", bytes: []),
        Body(name: "not JSON", bytes: Array("hello, hub".utf8)),
        Body(name: "truncated JSON", bytes: Array(#"{"user": "adm"#.utf8)),
        Body(name: "an array", bytes: Array("[1, 2, 3]".utf8)),
        Body(name: "a bare string", bytes: Array(#""x""#.utf8)),
        Body(name: "missing fields", bytes: Array("{}".utf8)),
        Body(name: "wrong types", bytes: Array(
            #"{"user": 5, "password": true, "role": 7, "number": [], "type": {}, "reason": 3, "outcome": null, "scanId": 1}"#.utf8)),
        Body(name: "invalid UTF-8", bytes: [0x7B, 0x22, 0x75, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0x7D]),
        Body(name: "nested 5,000 deep", bytes: Array(nested.utf8)),
        Body(name: "wrong content type", bytes: Array(#"{"reason": "x"}"#.utf8), contentType: "text/plain", status: 415),
        Body(name: "huge", bytes: Array(#"{"reason": ""#.utf8) + [UInt8](repeating: 0x61, count: 5 << 20) + Array(#""}"#.utf8),
             status: 413),
    ]

    /// The routes that read a body, with a path that needs no stored object to reach the body check.
    static let routes = [
        "/api/v1/login", "/api/v1/tokens", "/api/v1/users", "/api/v1/declarations", "/api/v1/declarations/bulk",
        "/api/v1/declarations/300012345678/cancel", "/api/v1/scans", "/api/v1/alarms/01JDZZZZZZZZZZZZZZZZZZZZZZ/adjudication",
    ]

    @Test func everyMalformedBodyGetsAReasonAndStoresNothing() async throws {
        let h = try await HubHarness(label: "malformed-bodies", devices: "")
        let before = try await stored(h)
        var failures: [String] = []
        for route in Self.routes {
            for body in Self.bodies {
                // The bulk import takes up to 64 MiB; a 5 MiB body is within its limit and simply not JSON lines.
                let expected = body.status == 413 && route.hasSuffix("/bulk") ? 400 : body.status
                let r = try await h.send("POST", route, body: body.bytes, contentType: body.contentType)
                let reason = r.json["error"] as? String ?? ""
                if r.status != expected || reason.isEmpty {
                    failures.append("\(route) \(body): \(r.status) \(r.text.prefix(160))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(try await stored(h) == before, "a rejected body stored something")
        try await h.stop()
    }

    @Test func blobsTakeAnyBytesButRefuseAnEmptyBody() async throws {
        let h = try await HubHarness(label: "malformed-blobs", devices: "")
        let empty = try await h.send("POST", "/api/v1/blobs", body: [], contentType: "application/octet-stream")
        #expect(empty.status == 400 && empty.json["error"] is String)
        try await h.stop()
    }

    /// XML whose broken encoding declaration and non-UTF-8 element name stopped the process inside
    /// FoundationXML (the N42 fuzz finding) is refused before parsing, and the hub stays up.
    @Test func hostileXMLDeclarationsGet400AndTheHubStaysUp() async throws {
        let h = try await HubHarness(label: "malformed-xml", devices: "")
        let xml = Array(#"<?xml version="1.0" encoding"#.utf8) + [0xBA] + Array(#""utf-8"?><Declarations><Declaration><I"#.utf8)
            + [0xFF] + Array("D>1</I".utf8) + [0xFF] + Array("D></Declaration></Declarations>".utf8)
        let r = try await h.send("POST", "/api/v1/declarations/bulk", body: xml, contentType: "application/xml")
        #expect(r.status == 400 && r.json["error"] is String, "\(r.status) \(r.text)")
        #expect(try await h.request("GET", "/healthz").status == 200)
        try await h.stop()
    }

    /// What a rejected request must not change: events, raw records, tokens and the audit log (every
    /// state change that succeeds is audited).
    func stored(_ h: HubHarness) async throws -> [String] {
        let health = try await h.request("GET", "/healthz").text
        let store = health.range(of: #""store":\{[^}]*\}"#, options: .regularExpression).map { String(health[$0]) } ?? health
        let tokens = try await h.request("GET", "/api/v1/tokens").text
        let audit = try await h.request("GET", "/api/v1/audit?limit=1000").json["entries"] as? [Any]
        return [store, tokens, "\(audit?.count ?? -1)"]
    }
}

extension HubHarness {
    /// A request with raw body bytes and any content type (nil: no Content-Type header).
    func send(_ method: String, _ path: String, body: [UInt8], contentType: String?)
        async throws -> (status: Int, json: [String: Any], text: String)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(body)
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, json, String(decoding: data, as: UTF8.self))
    }
}
