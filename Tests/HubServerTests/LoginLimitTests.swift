import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Password guessing over real HTTP: failures per name at one client address, and per address,
/// lock the login out there (429 with Retry-After) whatever the password, for names that exist and
/// names that do not alike; the same name at another address is not locked; a lockout ends by itself. Counts are asserted under a long lockout; only the test of the
/// lockout's end uses a short one.
@Suite(.timeLimit(.minutes(2)))
struct LoginLimitTests {
    /// A login attempt: status, Retry-After, and the body's text.
    static func login(_ h: HubHarness, _ user: String, _ password: String) async throws -> (
        status: Int, retryAfter: String?, text: String
    ) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(h.port)/api/v1/login")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["user": user, "password": password])
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Retry-After"), String(decoding: data, as: UTF8.self))
    }

    @Test func failuresPerNameAndPerAddressLockTheLoginOut() async throws {
        // Three failures per name, eight per address; a lockout far longer than the test, so what it
        // counts does not depend on how fast the machine is.
        let h = try await HubHarness(
            label: "login-limits",
            siteExtra: "login: {maxFailures: 3, maxFailuresPerAddress: 8, windowS: 3600, lockoutS: 3600}")
        for user in ["op1", "op2"] {
            #expect(try await h.post("/api/v1/users", #"{"user": "\#(user)", "role": "operator", "password": "right-password"}"#).status == 201)
        }

        // Three wrong passwords are answered 401; the fourth attempt is 429 even with the right one.
        for _ in 0..<3 { #expect(try await Self.login(h, "op1", "wrong-password").status == 401) }
        let locked = try await Self.login(h, "op1", "right-password")
        #expect(locked.status == 429)
        let wait = try #require(locked.retryAfter.flatMap(Int.init))
        #expect((1...3600).contains(wait), "Retry-After in whole seconds, within the configured lockout")
        #expect(!locked.text.contains("token"))

        // A name that does not exist gets exactly the same answers, so they reveal nothing.
        for _ in 0..<3 { #expect(try await Self.login(h, "ghost", "wrong-password").status == 401) }
        let ghost = try await Self.login(h, "ghost", "right-password")
        #expect(ghost.status == 429)
        #expect(ghost.text == locked.text)

        // Per address: 6 failures so far; two more at fresh names lock the whole address, even for
        // another user with the right password.
        for name in ["a1", "a2"] { #expect(try await Self.login(h, name, "wrong-password").status == 401) }
        #expect(try await Self.login(h, "a3", "wrong-password").status == 429)
        #expect(try await Self.login(h, "op2", "right-password").status == 429)

        // Every refusal is in the audit log, with the name tried and the address it came from.
        let entries = try await h.get("/api/v1/audit?action=login.throttled&limit=1000").json["entries"] as? [[String: Any]] ?? []
        #expect(Set(entries.compactMap { $0["actor"] as? String }) == ["op1", "ghost", "a3", "op2"])
        #expect(entries.allSatisfy { ($0["detail"] as? String)?.contains("127.0.0.1") == true })
        let failed = try await h.get("/api/v1/audit?action=login.failed&limit=1000").json["entries"] as? [[String: Any]] ?? []
        #expect(failed.count == 8)
        try await h.stop()
    }

    @Test func guessesFromOneAddressDoNotLockTheNameAtAnother() async throws {
        // A lockout far longer than the test: the name stays locked at the attacker's address throughout.
        let h = try await HubHarness(
            label: "login-per-address", siteExtra: "login: {maxFailures: 3, windowS: 3600, lockoutS: 3600}")
        #expect(try await h.post("/api/v1/users", #"{"user": "chief", "role": "admin", "password": "right-password"}"#).status == 201)
        // The attacker at 127.0.0.2 locks the name there: the right password is refused too.
        for _ in 0..<3 {
            #expect(try await RawHTTP.login(h, from: "127.0.0.2", "chief", "wrong-password").status == 401)
        }
        let locked = try await RawHTTP.login(h, from: "127.0.0.2", "chief", "right-password")
        #expect(locked.status == 429)
        #expect(locked.header("retry-after").flatMap(Int.init).map { (1...3600).contains($0) } == true)
        // The real admin at 127.0.0.3 (and at 127.0.0.1) logs in all the same.
        let real = try await RawHTTP.login(h, from: "127.0.0.3", "chief", "right-password")
        #expect(real.status == 200, "\(real.body)")
        #expect(real.json["role"] as? String == "admin", "\(real.body)")
        #expect(try await Self.login(h, "chief", "right-password").status == 200)
        // Their success does not unlock the name at the attacker's address.
        #expect(try await RawHTTP.login(h, from: "127.0.0.2", "chief", "right-password").status == 429)
        // The refusals are audited with the address they came from.
        let throttled = try await h.get("/api/v1/audit?action=login.throttled&limit=100").json["entries"] as? [[String: Any]] ?? []
        #expect(throttled.count == 2)
        #expect(throttled.allSatisfy { ($0["detail"] as? String)?.hasPrefix("from 127.0.0.2,") == true })
        try await h.stop()
    }

    @Test func aShortLockoutEndsByItself() async throws {
        let h = try await HubHarness(
            label: "login-lockout", siteExtra: "login: {maxFailures: 2, windowS: 3600, lockoutS: 1, maxLockoutS: 1}")
        #expect(try await h.post("/api/v1/users", #"{"user": "op1", "role": "operator", "password": "right-password"}"#).status == 201)
        for _ in 0..<2 { #expect(try await Self.login(h, "op1", "wrong-password").status == 401) }
        // Attempts while locked out are refused without counting; once the lockout passes, the
        // right password works again.
        var refusals: [String?] = []
        #expect(await eventually(timeout: .seconds(60)) {
            guard let r = try? await Self.login(h, "op1", "right-password") else { return false }
            if r.status == 429 { refusals.append(r.retryAfter) }
            return r.status == 200
        })
        #expect(refusals.allSatisfy { $0 == "1" }, "\(refusals)")
        #expect(try await Self.login(h, "op1", "right-password").status == 200, "a success clears the name's count")
        try await h.stop()
    }

    @Test func aBadLoginSettingNamesItsField() async throws {
        do {
            _ = try await HubHarness(label: "login-bad", siteExtra: "login: {maxFailures: 0}")
            Issue.record("accepted maxFailures: 0")
        } catch let e as ConfigError {
            #expect(e.field == "login.maxFailures" && e.line == 2, "\(e)")
        }
    }
}
