import Foundation
import HubAppTesting
import HubDelivery
import HubModel
import HubSite
import HubTesting
import Testing

/// The rules edited on a running hub through the API the admin screen uses, every change audited,
/// taken up without a restart; and a burst folded before a restart staying folded after it. The
/// relay is the same loopback aiosmtpd as `NotificationDeliveryTests`.
@Suite(.timeLimit(.minutes(4)))
struct NotificationRuleEditingTests {
    typealias D = NotificationDeliveryTests

    static let supervisor = #"{"name":"supervisor","match":{"kinds":["radiation.alarm"],"devices":["rpm-lane9"]},"foldS":0,"#
        + #""notify":[{"email":"sup@gate.example","language":"en"}]}"#

    static func text(_ json: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: json)) ?? Data(), as: UTF8.self)
    }

    @Test func anAdminAddsDisablesAndDeletesARuleOnTheRunningHubEachChangeAudited() async throws {
        let dir = try TemporaryDirectory("notify-edit")
        let pki = try await TestPKI.make("smtp", in: dir)
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let hub = try await D.hub(dir, pki: pki, smtpPort: relay.port)

        // The site file's four rules, at version 0; webhook secrets named by file, never shown.
        let (_, listed) = try await hub.get("/api/v1/notification-rules")
        #expect(listed["version"] as? Int == 0 && listed["source"] as? String == "site" && (listed["rules"] as? [Any])?.count == 4)
        #expect(Self.text(listed).contains("hook.key") && !Self.text(listed).contains(D.hookSecret))

        // An operator may not; a bad field is named; then the admin adds the rule.
        let operatorToken = try await hub.token("operator")
        let (refused, _) = try await hub.post("/api/v1/notification-rules", #"{"rule": \#(Self.supervisor)}"#, token: operatorToken)
        #expect(refused == 403)
        let (bad, badBody) = try await hub.post("/api/v1/notification-rules", #"{"rule": {"name": "x", "notify": [{"email": "nobody"}]}}"#)
        #expect(bad == 400 && badBody["field"] as? String == "rule.notify[0].email", "\(badBody)")
        let (added, set) = try await hub.post("/api/v1/notification-rules", #"{"version": 0, "rule": \#(Self.supervisor)}"#)
        #expect(added == 201 && set["version"] as? Int == 1 && set["source"] as? String == "edited" && (set["rules"] as? [Any])?.count == 5)
        // A second admin who loaded version 0 is told the set moved on.
        let (stale, staleBody) = try await hub.post("/api/v1/notification-rules", #"{"version": 0, "rule": \#(Self.supervisor)}"#)
        #expect(stale == 409 && staleBody["field"] as? String == "version")

        let (_, audit) = try await hub.get("/api/v1/audit?action=notification.rule.add")
        let entry = try #require((audit["entries"] as? [[String: Any]])?.first)
        #expect(entry["target"] as? String == "supervisor" && entry["role"] as? String == "admin")
        #expect((entry["detail"] as? String)?.hasPrefix("before: none; after: {") == true && (entry["detail"] as? String)?.contains("sup@gate.example") == true)

        // The running hub mails by the new rule.
        let alarm = try await D.store(hub, device: "rpm-lane9")
        #expect(await eventually { relay.messages(to: "sup@gate.example").count == 1 })
        #expect(try await eventually { try await D.outbox(hub, alarm) == ["0:sent"] })

        // Disabled, and widened to rpm-lane1: an alarm there goes by the operators' rule only.
        let disabled = Self.supervisor.replacingOccurrences(of: #""devices":["rpm-lane9"]"#, with: #""devices":["rpm-lane9","rpm-lane1"]"#)
            .replacingOccurrences(of: #"{"name":"supervisor","#, with: #"{"name":"supervisor","enabled":false,"#)
        let (changed, _) = try await hub.post("/api/v1/notification-rules/supervisor", #"{"version": 1, "rule": \#(disabled)}"#)
        #expect(changed == 200)
        let (_, changeAudit) = try await hub.get("/api/v1/audit?action=notification.rule.change")
        let change = try #require((changeAudit["entries"] as? [[String: Any]])?.first?["detail"] as? String)
        #expect(change.contains("\"enabled\":true") && change.contains("\"enabled\":false"), "\(change)")
        let second = try await D.store(hub, device: "rpm-lane1")
        #expect(try await eventually { try await D.outbox(hub, second) == ["0:sent"] })
        let (_, messages) = try await hub.get("/api/v1/notifications/\(second)")
        #expect((messages["messages"] as? [[String: Any]])?.map { $0["rule"] as? String } == ["operators"])
        #expect(relay.messages(to: "sup@gate.example").count == 1)

        // Deleted: the set is the site file's four again, at version 3; the audit keeps what it was.
        let (deleted, after) = try await hub.post("/api/v1/notification-rules/supervisor/delete", #"{"version": 2}"#)
        #expect(deleted == 200 && after["version"] as? Int == 3 && (after["rules"] as? [Any])?.count == 4)
        let (_, deleteAudit) = try await hub.get("/api/v1/audit?action=notification.rule.delete")
        let gone = try #require((deleteAudit["entries"] as? [[String: Any]])?.first?["detail"] as? String)
        #expect(gone.hasSuffix("after: none") && gone.contains("sup@gate.example"))
        let (_, all) = try await hub.get("/api/v1/audit?limit=200")
        #expect(!Self.text(all).contains(D.hookSecret))
        try await hub.stop()
    }

    @Test func aBurstFoldedBeforeARestartIsNotMailedAgainAfterIt() async throws {
        let dir = try TemporaryDirectory("notify-fold-restart")
        let pki = try await TestPKI.make("smtp", in: dir)
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let before = try await D.hub(dir, pki: pki, smtpPort: relay.port)
        let first = try await D.store(before)
        #expect(try await eventually { try await D.outbox(before, first) == ["0:sent"] })
        try await before.stop()

        // Within the operators' 300 s window, on a hub started afresh: folded into the first message.
        let after = try await D.hub(dir, pki: pki, smtpPort: relay.port, adminToken: before.adminToken)
        let second = try await D.store(after)
        #expect(try await eventually { try await D.outbox(after, second) == ["0:folded"] })
        #expect(relay.messages(to: "op@gate.example").count == 1)
        try await after.stop()
    }

    /// A rule added through the API whose escalation step has its own hours (the day after tomorrow): an
    /// unacknowledged alarm now is mailed at once, and its escalation is recorded as suppressed.
    @Test func anEscalationStepOutsideItsHoursIsSuppressedOnTheRunningHub() async throws {
        let dir = try TemporaryDirectory("notify-step-hours")
        let pki = try await TestPKI.make("smtp", in: dir)
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let hub = try await D.hub(dir, pki: pki, smtpPort: relay.port)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // The day after tomorrow, all day (the site is UTC): the step, due in 1 s, falls outside even at midnight.
        let later = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][calendar.component(.weekday, from: Date().addingTimeInterval(2 * 86_400)) - 1]
        let rule = #"{"name":"lane9","match":{"devices":["rpm-lane9"]},"foldS":0,"notify":[{"email":"op9@gate.example"}],"#
            + #""escalate":[{"afterS":1,"hours":[{"days":["\#(later)"],"from":"00:00","to":"24:00"}],"notify":[{"email":"chief9@gate.example"}]}]}"#
        let (added, body) = try await hub.post("/api/v1/notification-rules", #"{"rule": \#(rule)}"#)
        #expect(added == 201, "\(body)")
        let alarm = try await D.store(hub, device: "rpm-lane9")
        #expect(try await eventually { try await D.outbox(hub, alarm) == ["0:sent", "1:suppressed"] })
        #expect(relay.messages(to: "op9@gate.example").count == 1 && relay.messages(to: "chief9@gate.example").isEmpty)
        #expect(try await D.counts(hub, "lane9")["suppressed"] as? Int == 1)
        try await hub.stop()
    }
}
