import Foundation
import HubDevices
import HubServer
import HubStore
import HubTesting
import HummingbirdWSClient
import Logging
import Testing

/// Credentials, roles and the audit log on a whole hub.
@Suite(.timeLimit(.minutes(2)))
struct AuthTests {
    /// Every route, with a body where it takes one, and who may call it (nil: no credential needed).
    static let routes: [(method: String, path: String, body: String?, allowed: Set<Role>?)] = [
        ("GET", "/healthz", nil, nil),
        ("GET", "/", nil, nil),
        ("POST", "/api/v1/login", "{}", nil),
        ("GET", "/api/v1/live", nil, Role.people),
        ("GET", "/api/v1/events", nil, Role.people),
        ("GET", "/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA", nil, Role.people),
        ("GET", "/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA/links", nil, Role.people),
        ("GET", "/api/v1/raw/\(String(repeating: "a", count: 64))", nil, Role.people),
        ("GET", "/api/v1/devices", nil, Role.people),
        ("GET", "/api/v1/lanes", nil, Role.people),
        ("GET", "/api/v1/transits", nil, Role.people),
        ("GET", "/api/v1/config", nil, Role.people),
        ("GET", "/api/v1/alarms", nil, Role.people),
        ("GET", "/api/v1/whoami", nil, Role.people),
        ("GET", "/metrics", nil, Role.people),
        ("GET", "/api/v1/declarations?container=CSQU3054383", nil, Role.people),
        ("GET", "/api/v1/declarations/X1", nil, Role.people),
        ("GET", "/api/v1/declarations/X1/versions", nil, Role.people),
        ("GET", "/api/v1/declarations/X1/links", nil, Role.people),
        ("GET", "/api/v1/declarations/X1/detail", nil, Role.people),
        ("GET", "/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA/n42", nil, Role.people),
        ("GET", "/api/v1/openapi.json", nil, Role.people),
        ("GET", "/api/v1/passages?container=CSQU3054383", nil, [.analyst, .admin]),
        ("GET", "/api/v1/passages/01KAV9FT00AAAAAAAAAAAAAAAA", nil, [.analyst, .admin]),
        ("GET", "/api/v1/export/passages.csv", nil, [.analyst, .admin]),
        ("GET", "/api/v1/export/passages.json", nil, [.analyst, .admin]),
        ("GET", "/api/v1/declarations/search?channel=red", nil, [.analyst, .admin]),
        ("GET", "/api/v1/export/declarations.csv", nil, [.analyst, .admin]),
        ("GET", "/api/v1/export/declarations.json", nil, [.analyst, .admin]),
        ("POST", "/api/v1/declarations", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/declarations/bulk", "", [.analyst, .admin]),
        ("POST", "/api/v1/declarations/X1/cancel", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/scans", "{}", [.operator, .admin]),
        ("POST", "/api/v1/blobs", "x", [.operator, .admin]),
        ("GET", "/api/v1/blobs/\(String(repeating: "a", count: 64))", nil, Role.people),
        ("POST", "/api/v1/alarms/01KAV9FT00AAAAAAAAAAAAAAAA/adjudication", "{}", [.operator, .admin]),
        ("GET", "/api/v1/feed", nil, [.analyst, .admin]),
        ("GET", "/api/v1/audit", nil, [.admin]),
        ("GET", "/api/v1/tokens", nil, [.admin]),
        ("POST", "/api/v1/tokens", "{}", [.admin]),
        ("POST", "/api/v1/tokens/0000/revoke", nil, [.admin]),
        ("POST", "/api/v1/users", "{}", [.admin]),
        ("POST", "/api/v1/forwarded", "{}", [.gate, .admin]),
        ("GET", "/api/v1/admission/pending", nil, [.admin]),
        ("POST", "/api/v1/admission/seals/864717003283599/approve", nil, [.admin]),
        ("POST", "/api/v1/admission/seals/864717003283599/deny", nil, [.admin]),
        // Last: it revokes the credential that calls it.
        ("POST", "/api/v1/logout", nil, Role.people),
    ]

    /// The table above names every route the hub serves, so a new route cannot skip the role check.
    @Test func theRoleTableCoversEveryRoute() async throws {
        let h = try await HubHarness(label: "route-table")
        let served = h.hub.api.routes.map { $0.split(separator: " ", maxSplits: 1).map(String.init) }
            .map { ($0[0], $0.count > 1 ? $0[1] : "") }
        try await h.stop()
        #expect(served.count > 20)
        for (method, pattern) in served {
            let p = pattern.split(separator: "/", omittingEmptySubsequences: false)
            let covered = Self.routes.contains { r in
                let path = r.path.split(separator: "?")[0].split(separator: "/", omittingEmptySubsequences: false)
                return r.method == method && path.count == p.count
                    && zip(p, path).allSatisfy { $0.first == ":" || $0.first == "{" || $0 == $1 }
            }
            #expect(covered, "\(method) \(pattern) is missing from the role table")
        }
    }

    @Test func everyRoleOnEveryRoute() async throws {
        let h = try await HubHarness(label: "roles")
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try await h.token(role.rawValue) }
        // The live WebSocket: every person's role may watch (not a forwarding gate), nobody without a credential.
        for role in Role.allCases {
            #expect(
                try await Self.connectLive(port: h.port, query: "?token=\(tokens[role]!)") == Role.people.contains(role),
                "\(role) live")
        }
        #expect(try await Self.connectLive(port: h.port, query: "") == false)
        #expect(try await Self.connectLive(port: h.port, query: "?token=nii_wrong") == false)
        // A secret in the URL counts only for the live socket.
        #expect(try await h.get("/api/v1/events?token=\(h.adminToken)", token: nil).status == 401)
        for r in Self.routes {
            let anonymous = try await h.request(r.method, r.path, body: r.body, token: nil).status
            guard let allowed = r.allowed else {
                #expect(anonymous != 401 && anonymous != 403, "\(r.method) \(r.path) is open: \(anonymous)")
                continue
            }
            #expect(anonymous == 401, "\(r.method) \(r.path) without a credential")
            #expect(try await h.request(r.method, r.path, body: r.body, token: "nii_wrong").status == 401)
            for role in Role.allCases {
                let status = try await h.request(r.method, r.path, body: r.body, token: tokens[role]).status
                if allowed.contains(role) {
                    #expect(status != 401 && status != 403, "\(role) \(r.method) \(r.path): \(status)")
                } else {
                    #expect(status == 403, "\(role) \(r.method) \(r.path): \(status)")
                }
            }
        }
        try await h.stop()
    }

    /// Opens the live socket and closes it at once; false when the hub refused the upgrade.
    static func connectLive(port: Int, query: String) async throws -> Bool {
        do {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/live\(query)", logger: Logger(label: "ws")) {
                _, _, _ in  // returning closes the socket
            }
            return true
        } catch let e as WebSocketClientError where e == .webSocketUpgradeFailed {
            return false
        }
    }

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
