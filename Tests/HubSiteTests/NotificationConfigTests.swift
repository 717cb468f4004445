import Foundation
import HubDevices
import HubModel
import HubSite
import HubTesting
import Testing

/// The site file's `notifications:`: the relay, rules with their match, hours, folding, recipients
/// and escalation steps; a bad field named by file, line and field.
struct NotificationConfigTests {
    static func site(_ notifications: String) -> String {
        "site: gate-3\nstore:\n  sqlite: hub.sqlite\nnotifications:\n" + notifications + "\n"
    }

    /// The site read from `dir` (a new folder unless given: a test that reads a file later keeps its own).
    private func load(_ notifications: String, files: [String: String] = [:], in given: TemporaryDirectory? = nil) throws
        -> Result<SiteConfig, ConfigError>
    {
        let dir = try given ?? TemporaryDirectory("notify-config")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        for (name, text) in files { try dir.write(name, text) }
        let path = try dir.write("site.yaml", Self.site(notifications))
        do {
            return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles")))
        } catch let e as ConfigError {
            return .failure(e)
        }
    }

    private func failure(_ notifications: String) throws -> ConfigError? {
        if case .failure(let e) = try load(notifications) { return e }
        Issue.record("expected the notifications to be refused")
        return nil
    }

    static let smtp = """
          smtp: {host: mail.gate.example, port: 587, from: hub@gate.example, username: hub, passwordFile: smtp.pass}
        """

    @Test func aRuleIsReadWithItsMatchHoursRecipientsAndSteps() throws {
        let dir = try TemporaryDirectory("notify-config")
        let config = try load(Self.smtp + """

              rules:
                - name: radiation-night
                  match: {kinds: [radiation.alarm, trace], severities: [alarm], lanes: ["1"], channels: [red]}
                  hours: [{days: [mon, tue], from: "22:00", to: "06:00"}]
                  foldS: 120
                  notify: [{email: op@gate.example, language: en}, {webhook: "https://hooks.example/n", secretFile: hook.key}]
                  escalate:
                    - {afterS: 600, notify: [{email: chief@gate.example}]}
            """, files: ["smtp.pass": "pw\n", "hook.key": "k\n"], in: dir).get()
        let n = config.notifications
        #expect(n.smtp?.host == "mail.gate.example" && n.smtp?.starttls == true && n.smtp?.passwordFile?.hasPrefix("/") == true)
        let rule = try #require(n.rules.first)
        #expect(rule.name == "radiation-night" && rule.foldS == 120)
        #expect(rule.match == EventMatch(kinds: ["radiation.alarm", "trace"], severities: [.alarm], lanes: ["1"], channels: ["red"]))
        #expect(rule.hours == [HourWindow(days: [2, 3], from: 22 * 60, to: 6 * 60)])
        #expect(rule.notify.first == .email(address: "op@gate.example", language: "en"))
        guard case .webhook(let hook)? = rule.notify.last else { Issue.record("expected a webhook"); return }
        #expect(hook.secretFile?.hasSuffix("/hook.key") == true && hook.secret() == Array("k".utf8))
        #expect(rule.escalate == [EscalationStep(afterS: 600, notify: [.email(address: "chief@gate.example", language: "vi")])])
    }

    @Test func eachBadFieldIsNamedWithItsLine() throws {
        // Line 5 is the first line under `notifications:`.
        let rule = "  rules:\n    - name: r1\n"
        let cases: [(String, Int, String, String)] = [
            ("  smtp: {host: mail.example, from: not-an-address}", 5, "notifications.smtp.from", "an e-mail address"),
            ("  smtp: {host: mail.example, from: a@b, starttls: false}", 5, "notifications.smtp.starttls", "loopback"),
            (rule + "      notify: [{email: a@b, language: fr}]", 7, "notifications.rules[0].notify[0].language", "vi or en"),
            (rule + "      notify: [{webhook: \"http://h/x\"}]", 7, "notifications.rules[0].notify[0].secretFile", "exactly one"),
            (rule + "      hours: [{from: \"25:00\", to: \"06:00\"}]\n      notify: [{webhook: \"http://h/x\", secretEnv: K}]", 7,
             "notifications.rules[0].hours[0].from", "HH:MM"),
            (rule + "      match: {kind: [x]}\n      notify: [{webhook: \"http://h/x\", secretEnv: K}]", 7,
             "notifications.rules[0].match.kind", "unknown field"),
            (rule + "      notify: [{email: a@b}]", 7, "notifications.rules[0].notify", "notifications.smtp"),
            (rule + "      notify: [{webhook: \"http://h/x\", secretFile: missing.key}]", 7,
             "notifications.rules[0].notify[0].secretFile", "cannot read"),
        ]
        for (text, line, field, words) in cases {
            guard let e = try failure(text) else { continue }
            #expect(e.file.hasSuffix("site.yaml") && e.line == line && e.field == field && e.message.contains(words), "\(text): \(e)")
        }
    }

    @Test func anOvernightWindowBelongsToTheDayItStartsOn() {
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        // Monday 22:00 to 06:00: Monday 23:30 and Tuesday 05:59 are in it; Monday 05:00 (Sunday's night) and Tuesday 22:30 are not.
        let night = HourWindow(days: [2], from: 22 * 60, to: 6 * 60)
        func at(_ text: String) -> Date { Timestamp.parse(text)! }
        // 2026-12-07 is a Monday; Vietnam is UTC+7.
        #expect(night.contains(at("2026-12-07T16:30:00Z"), in: zone))
        #expect(night.contains(at("2026-12-07T22:59:00Z"), in: zone))
        #expect(!night.contains(at("2026-12-06T22:00:00Z"), in: zone))
        #expect(!night.contains(at("2026-12-08T15:30:00Z"), in: zone))
        let shift = HourWindow(days: [], from: 6 * 60, to: 14 * 60)
        #expect(shift.contains(at("2026-12-07T00:00:00Z"), in: zone) && !shift.contains(at("2026-12-07T07:00:00Z"), in: zone))
    }

    @Test func theOutboxKeepsFinishedMessagesForTheRetentionAgeOfAtLeastADay() throws {
        func retention(_ text: String) throws -> Result<SiteConfig, ConfigError> {
            let dir = try TemporaryDirectory("notify-retention")
            try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
            let path = try dir.write("site.yaml", "site: gate-3\nstore:\n  sqlite: hub.sqlite\nretention:\n" + text + "\n")
            do { return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles"))) } catch let e as ConfigError { return .failure(e) }
        }
        #expect(try retention("  notifications: 30d").get().retention?.notificationsAge == RetentionAge("30d"))
        #expect(try retention("  default: 5y").get().retention?.notificationsAge == RetentionAge("90d"))
        guard case .failure(let e) = try retention("  notifications: 12h") else { Issue.record("12h was taken"); return }
        #expect(e.line == 5 && e.field == "retention.notifications" && e.message.contains("at least 1d"), "\(e)")
    }
}
