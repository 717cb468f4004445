import Foundation
import Hummingbird
import HubDevices
import HubModel
import HubSite
import HubStore

/// The notification rules as the admin screen edits them. `GET /api/v1/notification-rules`: the
/// rules in force (the site file's until the first edit, then the saved set), with the set's
/// version and who saved it. `POST /api/v1/notification-rules` adds a rule, `POST
/// …/{name}` replaces one (to change or disable it), `POST …/{name}/delete` removes one; each
/// takes `{"version": n, "rule": {…}}`, the rule in the site file's words, checked as the site
/// file's decoder checks it (a bad field is a 400 naming it), and refused with 409 when the set
/// changed since `version`. Each change is audited with the rule before and after; a rule names
/// its webhook secret by file or environment variable, so no secret is ever sent or audited.
/// The running notifications pick the saved set up by its version.
struct NotificationRuleRoutes: RouteController {
    let store: any NotificationRuleStore
    let config: ConfigState?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        let rule: S.Schema = ["type": "object", "description": "A rule as the site file's notifications.rules[] writes it."]
        let ask = S.object(["version": S.integer, "rule": rule], required: ["rule"])
        let set = S.object(
            ["version": S.integer, "source": S.oneOf(["site", "edited"]), "editedBy": S.string, "editedAt": S.time, "rules": S.array(rule)],
            required: ["version", "source", "rules"])
        routes.get(
            "/api/v1/notification-rules", .admin,
            doc: .init(summary: "The notification rules in force, the version of the set and who last saved it.", response: set)
        ) { _, _ in try JSONResponse.make(try await RuleSetBody(current())) }
        routes.post(
            "/api/v1/notification-rules", .admin, audit: "notification.rule.add",
            doc: .init(summary: "Add a notification rule.", body: ("application/json", ask), response: set, status: "201")
        ) { request, context in
            try await edit(request, context, name: nil, status: .created) { rules, rule in
                if let rule { rules.append(rule) }
            }
        }
        routes.post(
            "/api/v1/notification-rules/:name", .admin, audit: "notification.rule.change",
            doc: .init(summary: "Replace a notification rule (change it, rename it, or disable it with enabled: false).",
                       body: ("application/json", ask), response: set)
        ) { request, context in
            let name = try context.parameters.require("name")
            return try await edit(request, context, name: name) { rules, rule in
                if let rule, let i = rules.firstIndex(where: { $0.name == name }) { rules[i] = rule }
            }
        }
        routes.post(
            "/api/v1/notification-rules/:name/delete", .admin, audit: "notification.rule.delete",
            doc: .init(summary: "Delete a notification rule.", body: ("application/json", S.object(["version": S.integer])), response: set)
        ) { request, context in
            let name = try context.parameters.require("name")
            return try await edit(request, context, name: name, deleting: true) { rules, _ in
                rules.removeAll { $0.name == name }
            }
        }
    }

    /// The set in force: the saved one, else the site file's.
    private func current() async throws -> (version: Int64, rules: [NotificationRule], by: String?, at: Date?) {
        if let saved = try await store.notificationRules() {
            return (saved.version, try NotificationRuleDocument.rules(fromJSON: saved.rules), saved.actor, saved.at)
        }
        return (0, config?.current.notifications.rules ?? [], nil, nil)
    }

    private struct Ask: Decodable {
        var version: Int64?
        var rule: JSONValue?
    }

    /// Reads the ask, checks the rule and the set it makes, saves it if the set is still at the
    /// version the admin saw, and notes the rule before and after for the audit log.
    private func edit(
        _ request: Request, _ context: HubRequestContext, name: String?, deleting: Bool = false, status: HTTPResponse.Status = .ok,
        change: (inout [NotificationRule], NotificationRule?) -> Void
    ) async throws -> Response {
        let bytes = Data(try await request.body.collect(upTo: 64 << 10).readableBytesView)
        let ask: Ask
        do {
            ask = bytes.isEmpty ? Ask() : try JSONDecoder().decode(Ask.self, from: bytes)
        } catch {
            return JSONResponse.error(.badRequest, "expected a JSON object: {\"version\": n, \"rule\": {…}}")
        }
        let now = try await current()
        if let seen = ask.version, seen != now.version {
            return Self.stale(now.by, now.at)
        }
        let before = name.flatMap { n in now.rules.first { $0.name == n } }
        if let name, before == nil { return JSONResponse.error(.notFound, "there is no notification rule named \(name)", field: "name") }
        var after: NotificationRule?
        if !deleting {
            guard case .object? = ask.rule, let ruleJSON = ask.rule else {
                return JSONResponse.error(.badRequest, "expected the rule as \"rule\": {…}, in the site file's words", field: "rule")
            }
            let text = String(decoding: try JSONEncoder().encode(ruleJSON), as: UTF8.self)
            let base = config.map { URL(fileURLWithPath: $0.current.file).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
            do {
                after = try NotificationRuleDocument.rule(fromJSON: text, base: base)
            } catch let e as ConfigError {
                return JSONResponse.error(.badRequest, e.message, field: e.field.isEmpty ? "rule" : "rule.\(e.field)")
            }
            if let after, after.name != name, now.rules.contains(where: { $0.name == after.name }) {
                return JSONResponse.error(.conflict, "a notification rule named \(after.name) exists already", field: "rule.name")
            }
        }
        var rules = now.rules
        change(&rules, after)
        if let problem = NotificationRuleDocument.problem(in: rules, smtp: config?.current.notifications.smtp) {
            return JSONResponse.error(.badRequest, problem.message, field: "rule.\(problem.field)")
        }
        guard try await store.saveNotificationRules(NotificationRuleDocument.json(rules), expected: now.version, actor: context.who.name, at: Date())
        else {
            let again = try await current()
            return Self.stale(again.by, again.at)
        }
        context.auditNote.set(
            target: (after ?? before)?.name,
            detail: "before: \(before.map(NotificationRuleDocument.json) ?? "none"); after: \(after.map(NotificationRuleDocument.json) ?? "none")")
        return try JSONResponse.make(try await RuleSetBody(current()), status: status)
    }

    private static func stale(_ by: String?, _ at: Date?) -> Response {
        let who = by.map { " by \($0)" } ?? ""
        let when = at.map { " at \(Timestamp.format($0))" } ?? ""
        return JSONResponse.error(.conflict, "the notification rules were changed\(who)\(when) since you loaded them; load them again", field: "version")
    }

    /// The set as the screen reads it: each rule in the site file's words.
    struct RuleSetBody: Encodable {
        var version: Int64
        var source: String
        var editedBy: String?
        var editedAt: String?
        var rules: JSONValue

        init(_ c: (version: Int64, rules: [NotificationRule], by: String?, at: Date?)) throws {
            version = c.version
            source = c.by == nil ? "site" : "edited"
            editedBy = c.by
            editedAt = c.at.map(Timestamp.format)
            rules = try JSONDecoder().decode(JSONValue.self, from: Data(NotificationRuleDocument.json(c.rules).utf8))
        }
    }
}
