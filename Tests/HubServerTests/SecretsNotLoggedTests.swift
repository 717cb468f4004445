import Crypto
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
import Synchronization
import Testing

/// No password, token secret or hash ever reaches the hub's log or its audit log, through the
/// first start, logins good and bad, tokens made and revoked, a user made with a password, and
/// requests and a live socket that carry credentials.
@Suite(.timeLimit(.minutes(2)))
struct SecretsNotLoggedTests {
    @Test func noSecretReachesTheLogOrTheAuditLog() async throws {
        let log = MemoryLog()
        let h = try await HubHarness(label: "secrets", logger: log.logger(label: "hub"))
        let admin = try AdminCredential.read(storePath: h.hub.config.storePath)
        var secrets = [admin.password, admin.token]

        let session = try await h.request(
            "POST", "/api/v1/login", body: #"{"user": "admin", "password": "\#(admin.password)"}"#, token: nil)
        secrets.append(try #require(session.json["token"] as? String))
        let wrong = "Wrong-Horse-Battery-9"
        #expect(try await h.post("/api/v1/login", #"{"user": "admin", "password": "\#(wrong)"}"#, token: nil).status == 401)
        secrets.append(wrong)
        let form = try await h.request(
            "POST", "/api/v1/login", body: "user=admin&password=\(wrong)x", token: nil,
            contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 401)
        secrets.append(wrong + "x")

        let opPassword = "Lane-One-Secret-7"
        #expect(try await h.post("/api/v1/users", #"{"user": "op1", "role": "operator", "password": "\#(opPassword)"}"#).status == 201)
        secrets.append(opPassword)
        let op = try #require(
            try await h.post("/api/v1/login", #"{"user": "op1", "password": "\#(opPassword)"}"#, token: nil).json["token"] as? String)
        secrets.append(op)
        let made = try await h.post("/api/v1/tokens", #"{"role": "analyst", "label": "risk desk"}"#)
        let analyst = try #require(made.json["token"] as? String)
        secrets.append(analyst)
        let id = try #require((made.json["info"] as? [String: Any])?["id"] as? String)

        // Credentials in headers (good, revoked and made-up), in the cookie, and in the live socket's URL.
        #expect(try await h.get("/api/v1/events", token: analyst).status == 200)
        #expect(try await h.post("/api/v1/tokens/\(id)/revoke", "").status == 200)
        #expect(try await h.get("/api/v1/events", token: analyst).status == 401)
        let madeUp = "nii_MadeUpSecretThatIsNotAToken0123456789abc"
        secrets.append(madeUp)
        #expect(try await h.get("/api/v1/whoami", token: madeUp).status == 401)
        #expect(try await h.get("/api/v1/audit", token: op).status == 403)
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(h.port)/api/v1/live?token=\(op)", logger: log.logger(label: "ws")) {
            _, _, _ in
        }
        #expect(try await h.request("POST", "/api/v1/logout", token: op).status == 200)
        let audit = try await h.request("GET", "/api/v1/audit?limit=1000").text
        try await h.stop()

        // What a copy of the store holds instead: token hashes and password hashes are secrets too.
        var forbidden = secrets
        forbidden += secrets.filter { $0.hasPrefix("nii_") }.map { Array(SHA256.hash(data: Data($0.utf8))).map { String(format: "%02x", $0) }.joined() }
        for name in ["admin", "op1"] {
            let user = try #require(try await h.hub.auth.store.user(named: name))
            forbidden += [user.passwordHash, user.salt]
        }
        let logged = log.text
        #expect(log.count > 0 && logged.contains("first start"), "the capture sees the hub's log")
        #expect(audit.contains("login.failed") && audit.contains("token.revoke") && audit.contains("user.create"))
        for secret in forbidden {
            #expect(!logged.contains(secret), "the log holds a secret: …\(secret.suffix(6))")
            #expect(!audit.contains(secret), "the audit log holds a secret: …\(secret.suffix(6))")
        }
    }
}
