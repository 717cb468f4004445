import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The hub's HTTP API on loopback, with a bearer token.
struct HubClient: Sendable {
    let base: URL
    let token: String

    func get(_ path: String) async throws -> [String: Any] {
        try await send("GET", path, body: nil).json
    }

    func post(_ path: String, json: [String: Any]) async throws -> (status: Int, json: [String: Any]) {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json))
    }

    /// Posts raw bytes (an image to `/api/v1/blobs`, a scan document to `/api/v1/scans`).
    func post(_ path: String, body: [UInt8], contentType: String) async throws -> (status: Int, json: [String: Any]) {
        try await send("POST", path, body: Data(body), contentType: contentType)
    }

    private func send(_ method: String, _ path: String, body: Data?, contentType: String = "application/json") async throws
        -> (status: Int, json: [String: Any])
    {
        var r = URLRequest(url: URL(string: path, relativeTo: base)!)
        r.httpMethod = method
        r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            r.httpBody = body
            r.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: r)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// Events of `kind`, oldest first.
    func events(kind: String) async throws -> [[String: Any]] {
        try await get("/api/v1/events?kind=\(kind)&limit=1000")["events"] as? [[String: Any]] ?? []
    }
}
