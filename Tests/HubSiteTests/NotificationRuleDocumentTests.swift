import Foundation
import HubDevices
import HubModel
import HubSite
import HubTesting
import Testing

/// A notification rule as JSON in the site file's words (what the admin screen sends and the store
/// keeps): written and read back the same, held to the site file's checks, a bad field named.
struct NotificationRuleDocumentTests {
    @Test func aRuleWrittenAsJSONReadsBackTheSameWithItsStepHoursAndSwitch() throws {
        let dir = try TemporaryDirectory("notify-doc")
        let key = try dir.write("hook.key", "k\n")
        let rule = NotificationRule(
            name: "night-chief", enabled: false,
            match: EventMatch(kinds: ["trace"], severities: [.alarm], lanes: ["1", "2"], channels: ["red"]),
            hours: [HourWindow(days: [2, 3], from: 22 * 60, to: 6 * 60)], foldS: 120,
            notify: [.email(address: "op@gate.example", language: "en"), .webhook(WebhookTarget(url: URL(string: "http://127.0.0.1:9/h")!, secretFile: key))],
            escalate: [
                EscalationStep(afterS: 600, notify: [.email(address: "chief@gate.example", language: "vi")]),
                EscalationStep(afterS: 1200, notify: [.email(address: "duty@gate.example", language: "vi")], hours: []),
            ])
        let json = NotificationRuleDocument.json(rule)
        #expect(json.contains("\"secretFile\":\"\(key)\"") && json.contains("\"from\":\"22:00\"") && json.contains("\"days\":[\"mon\",\"tue\"]"))
        #expect(try NotificationRuleDocument.rule(fromJSON: json, base: dir.url.path) == rule)
        #expect(try NotificationRuleDocument.rules(fromJSON: NotificationRuleDocument.json([rule, rule])) == [rule, rule])
    }

    @Test func aBadFieldIsNamedAndARelativeSecretFileIsResolvedAndChecked() throws {
        let dir = try TemporaryDirectory("notify-doc")
        try dir.write("hook.key", "k\n")
        let cases: [(String, String, String)] = [
            (#"{"name":"r","notify":[{"email":"not-an-address"}]}"#, "notify[0].email", "an e-mail address"),
            (#"{"name":"r","notify":[]}"#, "notify", "at least one recipient"),
            (#"{"name":"bad name!","notify":[{"email":"a@b"}]}"#, "name", "expected"),
            (#"{"name":"r","hours":[{"from":"25:00","to":"06:00"}],"notify":[{"email":"a@b"}]}"#, "hours[0].from", "HH:MM"),
            (#"{"name":"r","escalate":[{"afterS":60,"hours":[{"from":"08:00","to":"08:00"}],"notify":[{"email":"a@b"}]}],"notify":[{"email":"a@b"}]}"#,
             "escalate[0].hours[0].to", "differ"),
            (#"{"name":"r","notify":[{"webhook":"http://127.0.0.1:9/h","secretFile":"missing.key"}]}"#, "notify[0].secretFile", "cannot read"),
            (#"{"name":"r","colour":"red","notify":[{"email":"a@b"}]}"#, "colour", "unknown field"),
        ]
        for (text, field, words) in cases {
            do {
                _ = try NotificationRuleDocument.rule(fromJSON: text, base: dir.url.path)
                Issue.record("expected \(text) to be refused")
            } catch let e as ConfigError {
                #expect(e.field == field && e.message.contains(words), "\(text): \(e)")
            }
        }
        let rule = try NotificationRuleDocument.rule(
            fromJSON: #"{"name":"r","notify":[{"webhook":"http://127.0.0.1:9/h","secretFile":"hook.key"}]}"#, base: dir.url.path)
        guard case .webhook(let w)? = rule.notify.first else { Issue.record("expected a webhook"); return }
        #expect(w.secretFile == dir.path("hook.key") && rule.enabled)
        // Set-wide: an e-mail recipient needs the relay.
        let mail = NotificationRule(name: "m", notify: [.email(address: "a@b", language: "vi")])
        #expect(NotificationRuleDocument.problem(in: [mail], smtp: nil)?.field == "notify")
        #expect(NotificationRuleDocument.problem(in: [mail], smtp: SMTPSettings(host: "127.0.0.1", from: "hub@b")) == nil)
    }
}
