import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Testing

/// The API's answers to good and bad requests.
@Suite(.timeLimit(.minutes(3)))
struct APITests {
    @Test func badParametersGet400NamingTheParameter() async throws {
        let h = try await HubHarness(label: "api")
        for (query, field) in [
            ("since=yesterday", "since"), ("until=2026-13-01T00:00:00Z", "until"), ("limit=0", "limit"),
            ("limit=5000", "limit"), ("severity=panic", "severity"), ("order=up", "order"), ("cursor=abc", "cursor"),
        ] {
            let r = try await h.get("/api/v1/events?\(query)")
            #expect(r.status == 400, "\(query)")
            #expect(r.json["field"] as? String == field, "\(query)")
            #expect((r.json["error"] as? String)?.isEmpty == false)
        }
        #expect(try await h.get("/api/v1/raw/xyz").status == 400)
        #expect(try await h.get("/api/v1/raw/\(String(repeating: "a", count: 64))").status == 404)
        #expect(try await h.get("/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA").status == 404)
        let ok = try await h.get("/api/v1/events?kind=radiation.*&since=2026-01-01T00:00:00Z&limit=10&order=desc")
        #expect(ok.status == 200)
        #expect((ok.json["events"] as? [Any])?.isEmpty == true)
        let devices = try await h.get("/api/v1/devices").json["devices"] as? [[String: Any]]
        #expect(devices?.first?["profile"] as? String == "rapiscan-rpm")
        #expect(devices?.first?["state"] as? String != "online", "no device behind the port")
        try await h.stop()
    }

    @Test func theOperatorPageIsServed() async throws {
        let h = try await HubHarness(label: "page")
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(h.port)/")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let html = String(decoding: data, as: UTF8.self)
        #expect(html.contains("e2e-gate") && html.contains("/assets/js/main.js"))
        try await h.stop()
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
