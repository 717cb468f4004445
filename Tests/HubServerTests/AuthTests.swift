import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubServer
import HubStore
import HubTesting
import HummingbirdWSClient
import Logging
import Testing

/// Credentials, roles and the audit log on a whole hub.
@Suite(.timeLimit(.minutes(2)))
struct AuthTests {
    @Test func firstStartCredentialLoginsExpiryRevocationAndAudit() async throws {
        let h = try await HubHarness(label: "auth")
        let path = AdminCredential.path(storePath: h.hub.config.storePath)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let admin = try AdminCredential.read(storePath: h.hub.config.storePath)
        // Letters and digits only: a leading `-` would read as an option wherever it is pasted.
        #expect(admin.password.count == 24 && admin.password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })

        // Log in with the generated password, as JSON and as a form; the session is a bearer too.
        let login = try await h.request(
            "POST", "/api/v1/login", body: #"{"user": "admin", "password": "\#(admin.password)"}"#, token: nil)
        #expect(login.status == 200)
        let session = try #require(login.json["token"] as? String)
        #expect(try await h.get("/api/v1/whoami", token: session).json["name"] as? String == "admin")
        let form = try await h.request(
            "POST", "/api/v1/login", body: "user=admin&password=\(admin.password)", token: nil,
            contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 200)
        #expect(try await h.post("/api/v1/login", #"{"user": "admin", "password": "nope"}"#, token: nil).status == 401)

        // A user with a role logs in and acts in it.
        #expect(try await h.post("/api/v1/users", #"{"user": "op1", "role": "operator", "password": "lane-one-pass"}"#).status == 201)
        #expect(try await h.post("/api/v1/users", #"{"user": "op1", "role": "operator", "password": "lane-one-pass"}"#).status == 409)
        let op = try #require(
            try await h.post("/api/v1/login", #"{"user": "op1", "password": "lane-one-pass"}"#, token: nil).json["token"] as? String)
        #expect(try await h.get("/api/v1/whoami", token: op).json["role"] as? String == "operator")
        #expect(try await h.get("/api/v1/audit", token: op).status == 403)

        // Revoked and expired tokens stop working.
        let made = try await h.post("/api/v1/tokens", #"{"role": "analyst", "label": "risk desk"}"#)
        let secret = try #require(made.json["token"] as? String)
        let id = try #require((made.json["info"] as? [String: Any])?["id"] as? String)
        #expect(try await h.get("/api/v1/events", token: secret).status == 200)
        #expect(try await h.post("/api/v1/tokens/\(id)/revoke", "").status == 200)
        #expect(try await h.get("/api/v1/events", token: secret).status == 401)
        let old = try await h.hub.auth.issue(
            .api, owner: "old", role: .admin, lifetime: .seconds(60), at: Date(timeIntervalSinceNow: -3600))
        #expect(try await h.get("/api/v1/events", token: old.secret).status == 401)

        // Tokens are listed without their secrets, and only hashes are stored.
        let listed = try await h.request("GET", "/api/v1/tokens")
        #expect(!listed.text.contains(secret) && !listed.text.contains(admin.token))

        // Who did what.
        let scan = try await h.post("/api/v1/scans", ScanSamples.suspect, token: op)
        #expect(scan.status == 201)
        let entries = try await h.get("/api/v1/audit?limit=100").json["entries"] as? [[String: Any]] ?? []
        let actions = entries.map { "\($0["actor"] as? String ?? "") \($0["action"] as? String ?? "")" }
        let revoke = entries.first { $0["action"] as? String == "token.revoke" }
        #expect(revoke?["target"] as? String == id, "the audit names the token, not just the path")
        #expect(entries.contains { $0["action"] as? String == "scan.post" && $0["target"] as? String == scan.json["id"] as? String })
        for expected in ["op1 scan.post", "admin token.revoke", "admin token.create", "admin user.create", "op1 login",
                         "admin login", "admin login.failed", "hub user.create"] {
            #expect(actions.contains(expected), "\(expected) in \(actions)")
        }
        try await h.stop()

        // A second start on the same store keeps the credential and makes no new one.
        let again = try await HubHarness(reusing: h.dir)
        #expect(again.hub.firstStartCredential == nil)
        #expect(again.adminToken == admin.token)
        #expect(try await again.get("/api/v1/events").status == 200)
        try await again.stop()
    }
}
