import Foundation
import HTTPTypes
import Hummingbird
import HubDevices
import HubModel
import HubStore
import Logging
import NIOCore

/// Login, logout, who am I, users and tokens (admin), and the audit log (admin).
struct AuthRoutes: RouteController {
    let auth: AuthService
    /// The hub serves TLS, so its session cookie is marked `Secure` (sent over HTTPS only).
    let secureCookies: Bool
    let logger: Logger

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        // The login audits itself: only it knows who logged in, or who failed to. A browser may post
        // it only from the hub's own page (no cross-site form posts).
        routes.post(
            "/api/v1/login", .open, audit: nil, body: ["json", "x-www-form-urlencoded"], sameOriginOnly: true,
            doc: .init(
                summary: "Log in with a user name and password; returns a bearer token.",
                body: ("application/json", S.object(["user": S.text, "password": S.text], required: ["user", "password"])),
                response: S.object(
                    ["token": S.string, "user": S.string, "role": S.role, "expiresAt": S.time],
                    required: ["token", "user", "role", "expiresAt"]),
                answers: ["429": "Too many failed logins for this name or from this address; `Retry-After` says when to try again."])
        ) { request, context in
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let form = LoginForm(body: Data(body.readableBytesView), contentType: request.headers[.contentType])
            else { return JSONResponse.error(.badRequest, "expected user and password (JSON or form)", field: "user") }
            let address = context.remoteAddress
            let attempted = Identity(name: form.user, role: .operator, tokenID: "")
            let session: (secret: String, record: TokenRecord)
            switch try await auth.attemptLogin(form.user, password: form.password, from: address) {
            case .throttled(let wait):
                await auth.audit(
                    attempted, "login.throttled", detail: "from \(address ?? "unknown address"), retry after \(wait) s",
                    logger: logger)
                // The same answer for a name that exists and one that does not.
                var r = JSONResponse.error(.tooManyRequests, "too many failed logins; try again later")
                r.headers[.retryAfter] = "\(wait)"
                return r
            case .busy(let wait):
                // Not audited: a flood must not become a flood of store writes beside the devices'.
                var r = JSONResponse.error(.serviceUnavailable, "too many logins at once; try again shortly")
                r.headers[.retryAfter] = "\(wait)"
                return r
            case .rejected:
                await auth.audit(attempted, "login.failed", detail: "from \(address ?? "unknown address")", logger: logger)
                return JSONResponse.error(.unauthorized, "unknown user or wrong password")
            case .session(let secret, let record):
                session = (secret, record)
            }
            let who = Identity(name: session.record.owner, role: session.record.role, tokenID: session.record.id)
            await auth.audit(who, "login", target: session.record.id, logger: logger)
            struct Body: Encodable {
                var token: String
                var user: String
                var role: Role
                var expiresAt: Date
            }
            var r = try JSONResponse.make(
                Body(token: session.secret, user: who.name, role: who.role, expiresAt: session.record.expiresAt))
            let maxAge = Int(session.record.expiresAt.timeIntervalSinceNow)
            r.headers[.setCookie] =
                "\(Authentication.cookieName)=\(session.secret); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
                + (secureCookies ? "; Secure" : "")
            return r
        }
        routes.post(
            "/api/v1/logout", .people, audit: "logout", body: nil,
            doc: .init(summary: "Revoke the calling token.", response: S.object(["loggedOut": S.boolean], required: ["loggedOut"]))
        ) { _, context in
            _ = try await auth.store.revokeToken(id: context.who.tokenID, at: Date())
            var r = try JSONResponse.make(["loggedOut": true])
            r.headers[.setCookie] = "\(Authentication.cookieName)=; Path=/; Max-Age=0" + (secureCookies ? "; Secure" : "")
            return r
        }
        routes.get(
            "/api/v1/whoami", .people,
            doc: .init(
                summary: "The caller's identity and role.",
                response: S.object(["name": S.string, "role": S.role, "tokenID": S.string], required: ["name", "role", "tokenID"]))
        ) { _, context in try JSONResponse.make(context.who) }
        routes.get(
            "/api/v1/tokens", .admin,
            doc: .init(summary: "API tokens.", response: S.object(["tokens": S.array(S.ref("Token"))], required: ["tokens"]))
        ) { _, _ in
            struct Body: Encodable { var tokens: [TokenView] }
            return try JSONResponse.make(Body(tokens: try await auth.store.tokens().map(TokenView.init)))
        }
        routes.post(
            "/api/v1/tokens", .admin, audit: "token.create",
            doc: .init(
                summary: "Create an API token (the secret is shown once).",
                body: (
                    "application/json",
                    S.object(
                        ["role": S.role, "label": S.string, "owner": S.string, "lifetimeS": ["type": "integer", "minimum": 1]],
                        required: ["role"])
                ),
                response: S.object(["token": S.string, "info": S.ref("Token")], required: ["token", "info"]), status: "201")
        ) { request, context in
            struct Ask: Decodable {
                var role: Role
                var label: String?
                var owner: String?
                var lifetimeS: Int?
            }
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let ask = try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView)) else {
                return JSONResponse.error(.badRequest, "expected {\"role\": \"operator|analyst|supervisor|admin\", \"label\", \"lifetimeS\"}", field: "role")
            }
            if let s = ask.lifetimeS, s < 1 { return JSONResponse.error(.badRequest, "expected a positive lifetime", field: "lifetimeS") }
            // A gate's credential is bound to its site: the central takes batches from that site alone.
            if ask.role == .gate, !(ask.owner.map(Identifier.isValid) ?? false) {
                return JSONResponse.error(
                    .badRequest, "a gate token needs \"owner\": the site id of the gate hub it is for", field: "owner")
            }
            let longest = auth.maxTokenLifetime.components.seconds
            if let s = ask.lifetimeS, s > longest {
                return JSONResponse.error(
                    .badRequest, "lifetimeS \(s) is beyond the site's limit of \(longest) s (auth.maxTokenLifetimeS)", field: "lifetimeS")
            }
            let t = try await auth.issue(
                .api, owner: ask.owner ?? ask.label ?? context.who.name, role: ask.role, label: ask.label,
                lifetime: ask.lifetimeS.map { .seconds($0) })
            context.auditNote.set(target: t.record.id, detail: "role \(ask.role.rawValue), owner \(t.record.owner)")
            struct Body: Encodable {
                var token: String
                var info: TokenView
            }
            return try JSONResponse.make(Body(token: t.secret, info: TokenView(t.record)), status: .created)
        }
        routes.post(
            "/api/v1/tokens/:id/revoke", .admin, audit: "token.revoke", body: nil,
            doc: .init(summary: "Revoke a token.", response: S.object(["revoked": S.string], required: ["revoked"]))
        ) { _, context in
            let id = try context.parameters.require("id")
            guard try await auth.store.revokeToken(id: id, at: Date()) else {
                return JSONResponse.error(.notFound, "no active token \(id)")
            }
            context.auditNote.set(target: id)
            return try JSONResponse.make(["revoked": id])
        }
        routes.post(
            "/api/v1/users", .admin, audit: "user.create",
            doc: .init(
                summary: "Create a user.",
                body: (
                    "application/json",
                    S.object(
                        ["user": S.text, "role": S.role, "password": ["type": "string", "minLength": 8]],
                        required: ["user", "role", "password"])
                ),
                response: S.ref("User"), status: "201")
        ) { request, context in
            struct Ask: Decodable {
                var user: String
                var role: Role
                var password: String
            }
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let ask = try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView)), !ask.user.isEmpty,
                ask.password.count >= 8
            else { return JSONResponse.error(.badRequest, "expected user, role and a password of 8 or more characters", field: "password") }
            guard try await auth.addUser(ask.user, role: ask.role, password: ask.password) else {
                return JSONResponse.error(.conflict, "user \(ask.user) exists", field: "user")
            }
            context.auditNote.set(target: ask.user, detail: "role \(ask.role.rawValue)")
            return try JSONResponse.make(["user": ask.user, "role": ask.role.rawValue], status: .created)
        }
        routes.get(
            "/api/v1/users", .admin,
            doc: .init(
                summary: "Users and their roles (never their password hashes).",
                response: S.object(
                    ["users": S.array(S.object(["user": S.text, "role": S.role, "createdAt": S.time], required: ["user", "role", "createdAt"]))],
                    required: ["users"]))
        ) { _, _ in
            struct User: Encodable {
                var user: String
                var role: Role
                var createdAt: Date
            }
            struct Body: Encodable { var users: [User] }
            let users = try await auth.store.users().map { User(user: $0.name, role: $0.role, createdAt: $0.createdAt) }
            return try JSONResponse.make(Body(users: users))
        }
        routes.get(
            "/api/v1/audit", .admin,
            doc: .init(
                summary: "The audit log, newest first: of one action or actor, at or after `since` and before `until`; "
                    + "`next` is the `cursor` of the next (older) page.",
                query: ["action", "actor", "since", "until", "cursor", "before", "limit"],
                response: S.object(
                    ["entries": S.array(S.ref("AuditEntry")),
                     "next": ["type": "string", "description": "Cursor of the next (older) page; absent on the last."]],
                    required: ["entries"]))
        ) { request, _ in
            let p = request.uri.queryParameters
            var limit = 100
            if let l = p.get("limit") {
                guard let n = Int(l), (1...1000).contains(n) else { return JSONResponse.error(.badRequest, "expected 1 to 1000", field: "limit") }
                limit = n
            }
            // `cursor` is the `next` of the previous page; `before` the older name for the same seq.
            var before: Int64?
            for name in ["before", "cursor"] {
                guard let b = p.get(name) else { continue }
                guard let n = Int64(b) else {
                    return JSONResponse.error(.badRequest, "expected the `next` of a previous page (a sequence number); got '\(b)'", field: name)
                }
                before = min(before ?? n, n)
            }
            var times: [String: Date] = [:]
            for name in ["since", "until"] {
                guard let text = p.get(name) else { continue }
                guard let date = Timestamp.parse(text) else {
                    return JSONResponse.error(
                        .badRequest, "expected an RFC 3339 time like 2026-01-31T08:00:00Z; got '\(text)'", field: name)
                }
                times[name] = date
            }
            if let since = times["since"], let until = times["until"], until <= since {
                return JSONResponse.error(.badRequest, "expected `until` after `since`", field: "until")
            }
            // One more than the page holds: whether an older page exists.
            let rows = try await auth.store.auditEntries(
                action: p.get("action"), actor: p.get("actor"), since: times["since"], until: times["until"], before: before,
                limit: limit + 1)
            let page = Array(rows.prefix(limit))
            struct Body: Encodable {
                var entries: [AuditEntry]
                var next: String?
            }
            return try JSONResponse.make(
                Body(entries: page, next: rows.count > limit ? page.last?.seq.map(String.init) : nil))
        }
    }
}

/// A token as lists show it: never the secret or its hash.
struct TokenView: Encodable {
    var id: String
    var kind: TokenRecord.Kind
    var owner: String
    var role: Role
    var label: String?
    var createdAt: Date
    var expiresAt: Date
    var revokedAt: Date?

    init(_ t: TokenRecord) {
        id = t.id
        kind = t.kind
        owner = t.owner
        role = t.role
        label = t.label
        createdAt = t.createdAt
        expiresAt = t.expiresAt
        revokedAt = t.revokedAt
    }
}

/// `user` and `password` from a JSON body or an HTML form.
struct LoginForm {
    var user: String
    var password: String

    init?(body: Data, contentType: String?) {
        if contentType?.contains("application/x-www-form-urlencoded") == true {
            var c = URLComponents()
            c.percentEncodedQuery = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "+", with: "%20")
            let items = c.queryItems ?? []
            guard let u = items.first(where: { $0.name == "user" })?.value,
                let p = items.first(where: { $0.name == "password" })?.value
            else { return nil }
            (user, password) = (u, p)
        } else {
            struct J: Decodable {
                var user: String
                var password: String
            }
            guard let j = try? JSONDecoder().decode(J.self, from: body) else { return nil }
            (user, password) = (j.user, j.password)
        }
    }
}
