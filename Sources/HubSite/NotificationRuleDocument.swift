import Foundation
import HubDevices
import HubModel

/// A notification rule as JSON, in the words of the site file's `notifications.rules:` (the admin
/// screen edits it, the store keeps the edited set in it). Read back with the site file's own
/// checks, so a rule from the screen is held to what a rule in the file is. A webhook's secret is
/// named by its file or environment variable, never written out.
public enum NotificationRuleDocument {
    /// One rule, keys sorted (so an audit entry's before and after compare line by line).
    public static func json(_ rule: NotificationRule) -> String { encode(RuleDoc(rule)) }

    /// A rule set, in order.
    public static func json(_ rules: [NotificationRule]) -> String { encode(rules.map(RuleDoc.init)) }

    /// Reads one rule as the site file's decoder does, then resolves its files against `base` (the
    /// site file's folder) and checks them. A fault is a `ConfigError` whose `field` names it
    /// (`notify[0].email`) and whose `message` says what was expected.
    public static func rule(fromJSON text: String, base: String) throws -> NotificationRule {
        let rule = try YAMLDocument.decode(RawRule.self, yaml: text, file: "rule").value.rule
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : URL(fileURLWithPath: base).appendingPathComponent(p).standardized.path }
        return try RawNotifications.resolvedFiles(rule, at: [], resolve) { at, message in
            ConfigError(file: "rule", line: nil, column: nil, field: YAMLDocument.fieldName(at), message: message)
        }
    }

    /// A stored set, checked as written (its files are not looked at again: one gone missing shows
    /// as that webhook's delivery error, it does not stop the other rules).
    public static func rules(fromJSON text: String) throws -> [NotificationRule] {
        try YAMLDocument.decode([RawRule].self, yaml: text, file: "stored notification rules").value.map(\.rule)
    }

    /// What is wrong with `rules` as a set (a name twice, e-mail without a relay), with the rule's
    /// name in `file`; nil when nothing.
    public static func problem(in rules: [NotificationRule], smtp: SMTPSettings?) -> ConfigError? {
        guard let (i, field, message) = RawNotifications.setProblem(rules, smtp: smtp) else { return nil }
        return ConfigError(file: rules[i].name, line: nil, column: nil, field: field, message: message)
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain strings, numbers and lists: encoding cannot fail.
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

/// The encodable mirror of `RawRule` and its parts: what it writes, `RawRule` reads.
private struct RuleDoc: Encodable {
    var name: String
    var enabled: Bool
    var match: MatchDoc?
    var hours: [HoursDoc]?
    var foldS: Double
    var notify: [RecipientDoc]
    var escalate: [StepDoc]?

    init(_ r: NotificationRule) {
        name = r.name
        enabled = r.enabled
        match = r.match == EventMatch() ? nil : MatchDoc(r.match)
        hours = r.hours.isEmpty ? nil : r.hours.map(HoursDoc.init)
        foldS = r.foldS
        notify = r.notify.map(RecipientDoc.init)
        escalate = r.escalate.isEmpty ? nil : r.escalate.map(StepDoc.init)
    }
}

private struct MatchDoc: Encodable {
    var kinds, severities, lanes, devices, sites, channels: [String]?

    init(_ m: EventMatch) {
        func some(_ list: [String]) -> [String]? { list.isEmpty ? nil : list }
        kinds = some(m.kinds)
        severities = some(m.severities.map(\.rawValue))
        lanes = some(m.lanes)
        devices = some(m.devices)
        sites = some(m.sites)
        channels = some(m.channels)
    }
}

private struct HoursDoc: Encodable {
    var days: [String]?
    var from: String
    var to: String

    init(_ w: HourWindow) {
        let names = HourWindow.dayNames.sorted { $0.value < $1.value }
        days = w.days.isEmpty ? nil : names.filter { w.days.contains($0.value) }.map(\.key)
        from = Self.clock(w.from)
        to = Self.clock(w.to)
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

private struct StepDoc: Encodable {
    var afterS: Double
    var hours: [HoursDoc]?
    var notify: [RecipientDoc]

    init(_ s: EscalationStep) {
        afterS = s.afterS
        hours = s.hours.map { $0.map(HoursDoc.init) }
        notify = s.notify.map(RecipientDoc.init)
    }
}

private struct RecipientDoc: Encodable {
    var email, language, webhook, secretFile, secretEnv, caFile: String?

    init(_ r: Recipient) {
        switch r {
        case .email(let address, let lang):
            email = address
            language = lang
        case .webhook(let w):
            webhook = w.url.absoluteString
            secretFile = w.secretFile
            secretEnv = w.secretEnv
            caFile = w.caFile
        }
    }
}
