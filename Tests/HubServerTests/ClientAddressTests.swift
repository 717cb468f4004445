import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Testing

/// The client address behind a reverse proxy: only a TCP peer listed in `http.trustedProxies` has
/// its forwarding header believed; the audit log and the login limits then count the client the
/// header names (the rightmost address that is not a trusted proxy). Anyone else's header is ignored.
@Suite(.timeLimit(.minutes(2)))
struct ClientAddressTests {
    static func http(_ proxies: String, header: String? = nil) -> String {
        "http:\n  host: 127.0.0.1\n  port: 0\n  trustedProxies: \(proxies)" + (header.map { "\n  forwardedHeader: \($0)" } ?? "")
    }

    /// The addresses the failed logins of `user` were audited from, oldest first.
    static func failedFrom(_ h: HubHarness, _ user: String) async throws -> [String] {
        let entries = try await h.get("/api/v1/audit?action=login.failed&actor=\(user)&limit=100").json["entries"] as? [[String: Any]] ?? []
        return entries.reversed().compactMap { ($0["detail"] as? String)?.replacingOccurrences(of: "from ", with: "") }
    }

    @Test func behindATrustedProxyTheHeaderNamesTheClient() async throws {
        let h = try await HubHarness(
            label: "xff-trusted",
            siteExtra: Self.http("[127.0.0.1, 10.0.0.0/8]") + "\nlogin: {maxFailures: 2, windowS: 3600, lockoutS: 3600}")
        #expect(try await h.post("/api/v1/users", #"{"user": "op1", "role": "operator", "password": "right-password"}"#).status == 201)
        // Through the proxy at 127.0.0.1 and an inner proxy at 10.1.2.3: the client is 203.0.113.7;
        // what stands left of it the client wrote itself, and is not believed.
        let chain = ["X-Forwarded-For": "198.51.100.9, 203.0.113.7, 10.1.2.3"]
        for _ in 0..<2 {
            #expect(try await RawHTTP.login(h, from: "127.0.0.1", "op1", "wrong-password", headers: chain).status == 401)
        }
        #expect(try await Self.failedFrom(h, "op1") == ["203.0.113.7", "203.0.113.7"])
        // The name is locked for that client, and only for it: another client of the same proxy logs in.
        #expect(try await RawHTTP.login(h, from: "127.0.0.1", "op1", "right-password", headers: chain).status == 429)
        let other = try await RawHTTP.login(
            h, from: "127.0.0.1", "op1", "right-password", headers: ["X-Forwarded-For": "192.0.2.44"])
        #expect(other.status == 200, "\(other.body)")
        // A client address written as IPv6 in brackets.
        #expect(try await RawHTTP.login(
            h, from: "127.0.0.1", "op1", "wrong-password", headers: ["X-Forwarded-For": "[2001:db8::5]"]).status == 401)
        #expect(try await Self.failedFrom(h, "op1").last == "2001:db8::5")
        // Without the header, the client is the proxy itself.
        #expect(try await RawHTTP.login(h, from: "127.0.0.1", "op1", "wrong-password").status == 401)
        #expect(try await Self.failedFrom(h, "op1").last == "127.0.0.1")
        try await h.stop()
    }

    @Test func aClientNotBehindATrustedProxyCannotChooseItsAddress() async throws {
        let h = try await HubHarness(
            label: "xff-untrusted",
            siteExtra: Self.http("[127.0.0.1]") + "\nlogin: {maxFailures: 100, maxFailuresPerAddress: 3, windowS: 3600, lockoutS: 3600}")
        // 127.0.0.2 is no proxy: whatever it claims, its guesses count against 127.0.0.2.
        for i in 0..<3 {
            let r = try await RawHTTP.login(
                h, from: "127.0.0.2", "user\(i)", "wrong-password", headers: ["X-Forwarded-For": "203.0.113.\(i)", "Forwarded": "for=198.51.100.\(i)"])
            #expect(r.status == 401)
        }
        let fourth = try await RawHTTP.login(
            h, from: "127.0.0.2", "user9", "wrong-password", headers: ["X-Forwarded-For": "203.0.113.99"])
        #expect(fourth.status == 429, "the address is locked whatever the header says")
        for i in 0..<3 { #expect(try await Self.failedFrom(h, "user\(i)") == ["127.0.0.2"]) }
        try await h.stop()
    }

    @Test func theForwardedHeaderWhenTheProxyWritesThatOne() async throws {
        let h = try await HubHarness(label: "forwarded", siteExtra: Self.http("[127.0.0.1]", header: "forwarded"))
        let r = try await RawHTTP.login(
            h, from: "127.0.0.1", "ghost", "wrong-password",
            headers: [
                "Forwarded": #"for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711""#,
                // Passed through from the client by a proxy that writes only Forwarded: not read.
                "X-Forwarded-For": "198.51.100.1",
            ])
        #expect(r.status == 401)
        #expect(try await Self.failedFrom(h, "ghost") == ["2001:db8:cafe::17"])
        // `for=unknown` (or an obfuscated name) names no address: the client is the proxy that wrote it.
        #expect(try await RawHTTP.login(
            h, from: "127.0.0.1", "ghost", "wrong-password", headers: ["Forwarded": "for=unknown"]).status == 401)
        #expect(try await Self.failedFrom(h, "ghost").last == "127.0.0.1")
        try await h.stop()
    }

    @Test func withoutTrustedProxiesTheHeaderIsIgnored() async throws {
        let h = try await HubHarness(label: "xff-none")
        #expect(try await RawHTTP.login(
            h, from: "127.0.0.1", "ghost", "wrong-password", headers: ["X-Forwarded-For": "203.0.113.7"]).status == 401)
        #expect(try await Self.failedFrom(h, "ghost") == ["127.0.0.1"])
        try await h.stop()
    }

    @Test func aTrustedProxyThatIsNoAddressNamesItsField() async throws {
        for bad in ["[proxy.example]", "[10.0.0.0/33]"] {
            do {
                _ = try await HubHarness(label: "xff-bad", siteExtra: Self.http(bad))
                Issue.record("accepted trustedProxies: \(bad)")
            } catch let e as ConfigError {
                #expect(e.field == "http.trustedProxies", "\(e)")
            }
        }
        do {
            _ = try await HubHarness(label: "xff-bad-header", siteExtra: Self.http("[127.0.0.1]", header: "x-real-ip"))
            Issue.record("accepted forwardedHeader: x-real-ip")
        } catch let e as ConfigError {
            #expect(e.field == "http.forwardedHeader", "\(e)")
        }
    }
}
