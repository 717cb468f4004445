import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Testing

/// API tokens live at most as long as the site allows (`auth.maxTokenLifetimeS`, 90 days unless
/// told): a longer `lifetimeS` is refused with 400 naming the field, and a token asked without one
/// never outlives the limit either.
@Suite(.timeLimit(.minutes(2)))
struct TokenLifetimeTests {
    static func lifetime(_ json: [String: Any]) throws -> Double {
        let info = try #require(json["info"] as? [String: Any])
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func date(_ key: String) throws -> Date {
            let text = try #require(info[key] as? String)
            return try #require(f.date(from: text) ?? ISO8601DateFormatter().date(from: text))
        }
        return try date("expiresAt").timeIntervalSince(try date("createdAt"))
    }

    @Test func aLifetimeBeyondTheSiteLimitIsRefused() async throws {
        let h = try await HubHarness(label: "token-life", siteExtra: "auth: {maxTokenLifetimeS: 3600}")
        let long = try await h.request("POST", "/api/v1/tokens", body: #"{"role": "operator", "label": "cam", "lifetimeS": 3601}"#)
        #expect(long.status == 400)
        #expect(long.json["field"] as? String == "lifetimeS")
        #expect((long.json["error"] as? String)?.contains("3600") == true, "\(long.text)")
        let huge = try await h.post("/api/v1/tokens", #"{"role": "admin", "lifetimeS": 9223372036854775807}"#)
        #expect(huge.status == 400 && huge.json["field"] as? String == "lifetimeS")
        // Nothing was issued by the refusals.
        let listed = try await h.get("/api/v1/tokens").json["tokens"] as? [[String: Any]] ?? []
        #expect(!listed.contains { $0["label"] as? String == "cam" })

        let exact = try await h.post("/api/v1/tokens", #"{"role": "operator", "lifetimeS": 3600}"#)
        #expect(exact.status == 201)
        #expect(abs(try Self.lifetime(exact.json) - 3600) < 1)
        // Without a lifetime: the default (90 days) cut to the limit.
        let plain = try await h.post("/api/v1/tokens", #"{"role": "operator"}"#)
        #expect(plain.status == 201)
        #expect(abs(try Self.lifetime(plain.json) - 3600) < 1)
        try await h.stop()
    }

    @Test func theDefaultLimitIsNinetyDays() async throws {
        let h = try await HubHarness(label: "token-life-default")
        let ninety = 90 * 86400
        #expect(try await h.post("/api/v1/tokens", #"{"role": "operator", "lifetimeS": \#(ninety + 1)}"#).status == 400)
        let ok = try await h.post("/api/v1/tokens", #"{"role": "operator", "lifetimeS": \#(ninety)}"#)
        #expect(ok.status == 201)
        #expect(abs(try Self.lifetime(ok.json) - Double(ninety)) < 1)
        try await h.stop()
    }

    @Test func aBadLimitNamesItsField() async throws {
        do {
            _ = try await HubHarness(label: "token-life-bad", siteExtra: "auth: {maxTokenLifetimeS: 10}")
            Issue.record("accepted maxTokenLifetimeS: 10")
        } catch let e as ConfigError {
            #expect(e.field == "auth.maxTokenLifetimeS", "\(e)")
        }
    }
}
