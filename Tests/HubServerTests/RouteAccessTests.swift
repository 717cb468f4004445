import Foundation
import Hummingbird
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubStore
import HubTesting
import HummingbirdWSClient
import Logging
import NIOCore
import Testing

@testable import HubServer

/// Who may call what, checked on every route the hub serves, for every role, under every way of
/// spelling a path that a client (or an attacker) might send.
@Suite(.timeLimit(.minutes(3)))
struct RouteAccessTests {
    /// Every route, with a body where it takes one, and who may call it (nil: no credential needed).
    /// Written out here, not read from the hub: a route added without a line here fails the test.
    static let routes: [(method: String, path: String, body: String?, allowed: Set<Role>?)] = [
        ("GET", "/healthz", nil, nil),
        ("GET", "/", nil, nil),
        ("GET", "/admin", nil, nil),
        ("GET", "/analysis", nil, nil),
        ("GET", "/national", nil, nil),
        ("GET", "/api/v1/national", nil, Role.people),
        ("GET", "/api/v1/national/gates/gate-a/lanes", nil, Role.people),
        ("POST", "/api/v1/forwarded/status", "{}", [.gate, .admin]),
        ("GET", "/assets/css/console.css", nil, nil),
        ("GET", "/vendor/leaflet/leaflet.min.js", nil, nil),
        ("GET", "/vendor/leaflet/images/marker-icon.png", nil, nil),
        ("POST", "/api/v1/login", "{}", nil),
        ("GET", "/api/v1/live", nil, Role.people),
        ("GET", "/api/v1/events", nil, Role.people),
        ("GET", "/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA", nil, Role.people),
        ("GET", "/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA/links", nil, Role.people),
        ("GET", "/api/v1/raw/\(String(repeating: "a", count: 64))", nil, Role.people),
        ("GET", "/api/v1/raw/\(String(repeating: "a", count: 64))/chain", nil, Role.people),
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
        ("GET", "/api/v1/time-release?by=day", nil, [.analyst, .admin]),
        ("GET", "/api/v1/time-release.csv", nil, [.analyst, .admin]),
        ("GET", "/api/v1/reports", nil, [.analyst, .admin]),
        ("GET", "/api/v1/reports/2026-12-05.csv", nil, [.analyst, .admin]),
        ("GET", "/api/v1/export/events.csv", nil, [.analyst, .admin]),
        ("GET", "/api/v1/export/events.json", nil, [.analyst, .admin]),
        ("POST", "/api/v1/declarations", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/declarations/bulk", "", [.analyst, .admin]),
        ("POST", "/api/v1/declarations/X1/cancel", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/declarations/X1/package", "", [.analyst, .admin]),
        ("POST", "/api/v1/packages", "", [.analyst, .admin]),
        ("POST", "/api/v1/scans", "{}", [.operator, .admin]),
        ("POST", "/api/v1/blobs", "x", [.operator, .admin]),
        ("POST", "/api/v1/forwarded/blobs/\(String(repeating: "a", count: 64))", "x", [.gate, .admin]),
        ("GET", "/api/v1/blobs/\(String(repeating: "a", count: 64))", nil, Role.people),
        ("GET", "/api/v1/images/\(String(repeating: "a", count: 64))", nil, Role.people),
        ("GET", "/api/v1/images/\(String(repeating: "a", count: 64))/tiles/0/0/0", nil, Role.people),
        ("GET", "/api/v1/reviews", nil, [.analyst, .admin]),
        ("GET", "/api/v1/lanes/overdue-reviews", nil, Role.people),
        ("GET", "/api/v1/reviews/01KAV9FT00AAAAAAAAAAAAAAAA", nil, [.analyst, .admin]),
        ("GET", "/api/v1/reviews/01KAV9FT00AAAAAAAAAAAAAAAA/previous", nil, [.analyst, .admin]),
        ("POST", "/api/v1/reviews/01KAV9FT00AAAAAAAAAAAAAAAA/claim", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/reviews/01KAV9FT00AAAAAAAAAAAAAAAA/release", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/reviews/01KAV9FT00AAAAAAAAAAAAAAAA/verdict", "{}", [.analyst, .admin]),
        ("POST", "/api/v1/alarms/01KAV9FT00AAAAAAAAAAAAAAAA/adjudication", "{}", [.operator, .admin]),
        ("POST", "/api/v1/seals/864717003283581/commands", "{}", [.supervisor, .admin]),
        ("POST", "/api/v1/seals/864717003283581/commands/0123456789ab/approve", "{}", [.supervisor, .admin]),
        ("GET", "/api/v1/seals/864717003283581/commands/0123456789ab", nil, [.supervisor, .admin]),
        ("POST", "/api/v1/alarms/01KAV9FT00AAAAAAAAAAAAAAAA/acknowledgement", "{}", [.operator, .admin]),
        ("GET", "/api/v1/events/01KAV9FT00AAAAAAAAAAAAAAAA/count-rates", nil, Role.people),
        ("POST", "/api/v1/passages/01KAV9FT00AAAAAAAAAAAAAAAA/resolve", "{}", [.operator, .admin]),
        ("GET", "/api/v1/feed", nil, [.analyst, .admin]),
        ("GET", "/api/v1/notifications", nil, [.admin]),
        ("GET", "/api/v1/notifications/01KAV9FT00AAAAAAAAAAAAAAAA", nil, [.admin]),
        ("GET", "/api/v1/notification-rules", nil, [.admin]),
        ("POST", "/api/v1/notification-rules", "{}", [.admin]),
        ("POST", "/api/v1/notification-rules/operators", "{}", [.admin]),
        ("POST", "/api/v1/notification-rules/operators/delete", "{}", [.admin]),
        ("GET", "/api/v1/audit", nil, [.admin]),
        ("GET", "/api/v1/tokens", nil, [.admin]),
        ("POST", "/api/v1/tokens", "{}", [.admin]),
        ("POST", "/api/v1/tokens/0000/revoke", nil, [.admin]),
        ("POST", "/api/v1/users", "{}", [.admin]),
        ("GET", "/api/v1/users", nil, [.admin]),
        ("GET", "/api/v1/profiles", nil, [.admin]),
        ("POST", "/api/v1/forwarded", "{}", [.gate, .admin]),
        ("GET", "/api/v1/admission/pending", nil, [.admin]),
        ("POST", "/api/v1/admission/seals/864717003283599/approve", nil, [.admin]),
        ("POST", "/api/v1/admission/seals/864717003283599/deny", nil, [.admin]),
        ("POST", "/api/v1/logout", nil, Role.people),
    ]

    /// The table's entry for a registered pattern (`:name` matches any one segment).
    static func entry(_ method: String, _ pattern: String) -> (method: String, path: String, body: String?, allowed: Set<Role>?)? {
        let p = pattern.split(separator: "/", omittingEmptySubsequences: false)
        return routes.first { r in
            let path = r.path.split(separator: "?")[0].split(separator: "/", omittingEmptySubsequences: false)
            return r.method == method && path.count == p.count && zip(p, path).allSatisfy { $0.first == ":" || $0 == $1 }
        }
    }

    /// Every route the router serves was registered with a rule, and that rule grants exactly the
    /// roles the table above expects.
    @Test func everyServedRouteHasTheRuleTheTableExpects() async throws {
        let h = try await HubHarness(label: "route-rules")
        let api = h.hub.api
        try await h.stop()
        let served = Set(api.routes)
        let rules = api.routeRules
        #expect(served.count > 40)
        #expect(served == Set(rules.map(\.description)), "served and ruled routes differ")
        for rule in rules {
            let expected = try #require(Self.entry(rule.method.rawValue, rule.pattern), "\(rule) is missing from the table")
            switch rule.access {
            case .open: #expect(expected.allowed == nil, "\(rule) is open")
            case .roles(let roles): #expect(roles == expected.allowed, "\(rule) allows \(roles)")
            }
            if rule.method == .post, rule.access != .open {
                #expect(rule.audit != nil, "\(rule) changes state and is not audited")
            }
        }
    }

    /// A route put on the router around the table (with no rule) stops the start.
    @Test func aRouteWithoutARuleFailsTheStart() throws {
        let table = RouteTable(auth: nil, origins: OriginPolicy(tls: false), logger: Logger(label: "t"))
        table.get("/ruled", .people) { _, _ in Response(status: .ok) }
        try table.checkEveryRouteHasARule()
        table.router.get("/sneaked") { _, _ in Response(status: .ok) }
        #expect(throws: RouteTable.UnruledRoutes.self) { try table.checkEveryRouteHasARule() }
    }

    /// Ways of writing the same path: some reach the route (and its rule), the rest get 404.
    static func spellings(_ target: String) -> [String] {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        let path = parts[0]
        let query = parts.count > 1 ? "?" + parts[1] : ""
        var out = [target, path + "/" + query, "/" + path + query, path + "//" + query, path + query + (query.isEmpty ? "?" : "&")]
        let segments = path.split(separator: "/").map(String.init)
        guard let first = segments.first else { return out + ["/.", "/%2e"] }
        let rest = segments.dropFirst().joined(separator: "/")
        let tail = rest.isEmpty ? "" : "/" + rest
        out += [
            "/\(first)/.\(tail)\(query)",  // dot segment
            "/\(first)/x/..\(tail)\(query)",  // dot-dot segment
            "/./\(first)\(tail)\(query)",
            "/\(first.uppercased())\(tail)\(query)",  // case
            "/%\(String(format: "%02X", first.utf8.first!))\(first.dropFirst())\(tail)\(query)",  // an encoded letter
            "/\(first)//\(rest)\(query)",  // double slash inside
        ]
        if !rest.isEmpty { out.append("/\(first)%2F\(rest)\(query)") }  // an encoded slash
        return out
    }

    /// Whether an answer keeps the rule: an allowed caller is not refused, a refused one gets
    /// 401/403, and any spelling may instead be a 404. Nothing else may happen to a refused caller.
    /// A refused WebSocket upgrade is answered 400 by the server library whatever the reason (the
    /// guard's 401/403 and the audit entry stay inside); what counts is that it does not upgrade.
    static func keepsTheRule(status: Int, allowed: Bool, anonymous: Bool, canonical: Bool, webSocket: Bool = false) -> Bool {
        if webSocket {
            // A spelling that matches no route is not upgraded either (the library's 400 again).
            return allowed ? status == 101 || (!canonical && status == 400) : status == 400
        }
        if !canonical, status == 404 { return true }
        if allowed { return status != 401 && status != 403 }
        return status == (anonymous ? 401 : 403)
    }

    @Test func everyRoleOnEveryRouteUnderEverySpelling() async throws {
        let h = try await HubHarness(label: "roles")
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try await h.token(role.rawValue, owner: role == .gate ? "e2e-gate" : nil) }
        var requests = 0
        var reached = 0
        for r in Self.routes {
            for (n, target) in Self.spellings(r.path).enumerated() {
                let callers: [Role?] = [nil] + Role.allCases.map { $0 }
                for role in callers {
                    let allowed = r.allowed.map { set in role.map(set.contains) ?? false } ?? true
                    var token = role.flatMap { tokens[$0] }
                    // Logging out revokes the credential that calls it: each allowed call gets its own.
                    if r.path == "/api/v1/logout", let role, allowed { token = try await h.token(role.rawValue) }
                    var headers = r.body == nil ? [] : [("Content-Type", "application/json")]
                    if let token { headers.append(("Authorization", "Bearer \(token)")) }
                    if r.path == "/api/v1/live" { headers += RawHTTP.upgrade }
                    let answer = try await RawHTTP.send(port: h.port, r.method, target, headers: headers, body: r.body)
                    requests += 1
                    if answer.status != 404 { reached += 1 }
                    #expect(
                        Self.keepsTheRule(
                            status: answer.status, allowed: allowed, anonymous: role == nil, canonical: n == 0,
                            webSocket: r.path == "/api/v1/live"),
                        "\(role?.rawValue ?? "anonymous") \(r.method) \(target): \(answer.status)")
                }
            }
            // A wrong secret is no credential, on the plain spelling.
            if r.allowed != nil {
                let wrong = try await RawHTTP.send(
                    port: h.port, r.method, r.path, headers: [("Authorization", "Bearer nii_wrong")] + (r.path == "/api/v1/live" ? RawHTTP.upgrade : []),
                    body: r.body)
                #expect(wrong.status == (r.path == "/api/v1/live" ? 400 : 401), "wrong token \(r.method) \(r.path): \(wrong.status)")
            }
        }
        // The live socket takes its credential from the URL; a secret in the URL counts nowhere else.
        for role in Role.allCases {
            let live = try await RawHTTP.send(port: h.port, "GET", "/api/v1/live?token=\(tokens[role]!)", headers: RawHTTP.upgrade)
            #expect(live.status == (Role.people.contains(role) ? 101 : 400), "\(role) live: \(live.status)")
            let liveSlash = try await RawHTTP.send(port: h.port, "GET", "//api/v1/live/?token=\(tokens[role]!)", headers: RawHTTP.upgrade)
            #expect(liveSlash.status == (Role.people.contains(role) ? 101 : 400), "\(role) //live/: \(liveSlash.status)")
        }
        #expect(try await h.get("/api/v1/events?token=\(tokens[.admin]!)", token: nil).status == 401)

        // Refusals on admin routes are in the audit log: who, which route, the path as spelled, from where.
        let refused = try await h.get("/api/v1/audit?action=access.refused&limit=1000").json["entries"] as? [[String: Any]] ?? []
        let slash = refused.first {
            $0["role"] as? String == "operator" && $0["target"] as? String == "POST /api/v1/tokens"
                && ($0["detail"] as? String)?.contains("path /api/v1/tokens/,") == true
        }
        #expect(slash != nil, "the operator's POST /api/v1/tokens/ is not in the audit log")
        #expect((slash?["detail"] as? String)?.contains("from 127.0.0.1") == true)
        #expect(refused.contains { $0["actor"] as? String == "anonymous" && $0["target"] as? String == "GET /api/v1/audit" })
        // The gate's refused WebSocket upgrade is audited too, though the client only sees the 400.
        #expect(refused.contains { $0["role"] as? String == "gate" && $0["target"] as? String == "GET /api/v1/live" })
        print("route access: \(requests) requests over \(Self.routes.count) routes, \(reached) reached a route, \(refused.count) refusals audited")
        try await h.stop()
    }

    /// The live socket and a browser's login or cookie-authenticated change come from the hub's own
    /// origin, or one the site config lists.
    @Test func foreignOriginsAreRefused() async throws {
        let h = try await HubHarness(label: "origins", siteExtra: "")
        let own = "http://127.0.0.1:\(h.port)"
        let token = try await h.token("operator")
        func live(_ origin: String?) async throws -> Int {
            var headers = RawHTTP.upgrade
            if let origin { headers.append(("Origin", origin)) }
            return try await RawHTTP.send(port: h.port, "GET", "/api/v1/live?token=\(token)", headers: headers).status
        }
        #expect(try await live(own) == 101)
        #expect(try await live(nil) == 101, "a client that is not a browser sends no Origin")
        #expect(try await live("http://evil.example") == 400)
        #expect(try await live("null") == 400)

        let admin = try AdminCredential.read(storePath: h.hub.config.storePath)
        func login(_ headers: [(String, String)]) async throws -> RawHTTP.Answer {
            try await RawHTTP.send(
                port: h.port, "POST", "/api/v1/login",
                headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
                body: "user=admin&password=\(admin.password)")
        }
        #expect(try await login([("Origin", "http://evil.example")]).status == 403)
        #expect(try await login([("Sec-Fetch-Site", "cross-site")]).status == 403)
        let good = try await login([("Origin", own), ("Sec-Fetch-Site", "same-origin")])
        #expect(good.status == 200)
        let cookie = try #require(good.header("Set-Cookie")?.split(separator: ";").first.map(String.init))
        #expect(good.header("Set-Cookie")?.contains("HttpOnly") == true && good.header("Set-Cookie")?.contains("Secure") == false)

        // With the browser's cookie, a change from another origin is refused; from the hub's own it goes through.
        let scan = [("Cookie", cookie), ("Content-Type", "application/json")]
        #expect(try await RawHTTP.send(port: h.port, "POST", "/api/v1/scans", headers: scan + [("Origin", "http://evil.example")], body: ScanSamples.clear).status == 403)
        #expect(try await RawHTTP.send(port: h.port, "POST", "/api/v1/scans", headers: scan + [("Origin", own)], body: ScanSamples.clear).status == 201)
        try await h.stop()

        // An origin the site lists is accepted as the hub's own.
        let other = try await HubHarness(label: "origins-listed", httpExtra: "  allowedOrigins: [\"https://console.gate.example\"]")
        let t = try await other.token("operator")
        let console = try await RawHTTP.send(
            port: other.port, "GET", "/api/v1/live?token=\(t)", headers: RawHTTP.upgrade + [("Origin", "https://console.gate.example")])
        #expect(console.status == 101)
        try await other.stop()
    }

    /// A live client that never answers the hub's pings is dropped: the hub pings every
    /// `http.webSocketPingS` and closes a socket whose last ping went unanswered.
    @Test func aWebSocketClientThatNeverAnswersPingsIsDropped() async throws {
        let h = try await HubHarness(label: "ws-idle", httpExtra: "  webSocketPingS: 1")
        let token = try await h.token("operator")
        let frames = try await RawHTTP.upgradeAndIgnorePings(port: h.port, "/api/v1/live?token=\(token)")
        #expect(frames != nil, "the live socket did not upgrade")
        #expect(await eventually { h.hub.live.count == 0 }, "the hub still counts the silent client")
        print("silent WebSocket client dropped after \(frames ?? 0) chunks")
        try await h.stop()
    }

    /// Uploads stream to disk and at most four run at once: a fifth gets 503 while four hold their
    /// slots; once they give up, their half-written files are gone and uploads go through again.
    @Test func blobUploadsInFlightAreLimitedAndCutOnesLeaveNothing() async throws {
        let h = try await HubHarness(label: "blob-slots")
        let head = "POST /api/v1/blobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(h.adminToken)\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n" + String(repeating: "x", count: 4096)
        var releases: [AsyncStream<Void>.Continuation] = []
        var holders: [Task<Void, any Error>] = []
        for _ in 0..<HubAPI.maxBlobUploadsInFlight {
            let (stream, release) = AsyncStream.makeStream(of: Void.self)
            releases.append(release)
            holders.append(Task { try await RawHTTP.hold(port: h.port, head, until: stream) })
        }
        let image = [("Content-Type", "application/octet-stream"), ("Authorization", "Bearer \(h.adminToken)")]
        // Once all four hold a slot, the next one is turned away at once.
        var busy: RawHTTP.Answer?
        #expect(await eventually {
            busy = try? await RawHTTP.send(port: h.port, "POST", "/api/v1/blobs", headers: image, body: "one more image")
            return busy?.status == 503
        })
        #expect(busy?.header("Retry-After") == "2")
        let incoming = (h.hub.blobs.root as NSString).appendingPathComponent(".incoming")
        // Each held upload is a file being written, not a body in memory.
        #expect(await eventually { (try? FileManager.default.contentsOfDirectory(atPath: incoming).count) == HubAPI.maxBlobUploadsInFlight })
        for r in releases { r.finish() }
        for t in holders { _ = try? await t.value }
        #expect(await eventually {
            (try? await RawHTTP.send(port: h.port, "POST", "/api/v1/blobs", headers: image, body: "one more image"))?.status == 201
        })
        #expect(await eventually { (try? FileManager.default.contentsOfDirectory(atPath: incoming))?.isEmpty == true })
        try await h.stop()
    }

    /// A connection that has sent no request, or half a head, does not hold the hub's stop: the
    /// hub closes it at once (with the ten-minute idle timeout here, nothing else would close it
    /// before the suite's time limit).
    @Test func aConnectionWithoutARequestIsClosedWhenTheHubStops() async throws {
        let h = try await HubHarness(label: "stop-idle", httpExtra: "  idleTimeoutS: 600")
        let silent = try await RawHTTP.connect(port: h.port)
        let halfHead = try await RawHTTP.connect(port: h.port)
        // Answered before the stop: both connections are accepted and waiting.
        #expect(try await RawHTTP.send(port: h.port, "GET", "/healthz").status == 200)
        let closedByHub = { (channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, text: String) in
            Task {
                try await channel.executeThenClose { inbound, outbound in
                    if !text.isEmpty { try await outbound.write(ByteBuffer(string: text)) }
                    for try await _ in inbound { return false }
                    return true
                }
            }
        }
        let first = closedByHub(silent, "")
        let second = closedByHub(halfHead, "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        try await h.stop()
        #expect(try await first.value, "the silent connection got bytes")
        #expect(try await second.value, "the half-sent request got an answer")
    }

    /// An idle keep-alive connection is closed by the hub after `http.idleTimeoutS`.
    @Test func anIdleConnectionIsClosed() async throws {
        let h = try await HubHarness(label: "idle", httpExtra: "  idleTimeoutS: 1")
        let start = ContinuousClock.now
        // A connection that sends nothing: the read ends when the hub closes it.
        let closed = try await RawHTTP.idle(port: h.port)
        #expect(closed, "the hub kept an idle connection open")
        print("idle connection closed after \(ContinuousClock.now - start)")
        try await h.stop()
    }
}
