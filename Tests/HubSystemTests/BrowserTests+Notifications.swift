import Foundation
import HubAppTesting
import HubTesting
import Testing

/// The notification rules on the admin view in headless Chromium (`Tests/Browser/notifications_flow.py`):
/// an admin reads the site file's rule in words, adds one on the form, turns it off, is told which field
/// is wrong, in Vietnamese and in English, and finds the changes in the audit log; the hub's own answer
/// (`GET /api/v1/notification-rules`) then holds the rule as the form made it.
extension BrowserTests {
    @Test func anAdminEditsTheNotificationRulesOnTheScreen() async throws {
        let h = try await HubHarness(siteExtra: """
            console: {timeZone: Asia/Ho_Chi_Minh}
            notifications:
              smtp: {host: 127.0.0.1, port: 9, from: hub@gate.example, starttls: false}
              rules:
                - name: operators
                  match: {kinds: [radiation.alarm]}
                  notify: [{email: op@gate.example, language: vi}]
            """)
        let password = "rules-desk-2026"
        #expect(try await h.post("/api/v1/users", #"{"user": "thu", "role": "admin", "password": "\#(password)"}"#).status == 201)
        let folder = try TemporaryDirectory("notifications-browser")
        let artifacts = Corpus.repositoryFile("test-artifacts/browser").path
        let walk = try BrowserWalk.start(
            "notifications_flow.py",
            ["--url", "http://127.0.0.1:\(h.port)/admin", "--user=thu", "--password=\(password)", "--artifacts", artifacts], folder: folder)
        let (passed, report) = await walk.finish()
        #expect(passed, "\(report)")
        let (_, set) = try await h.get("/api/v1/notification-rules")
        let added = (set["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "night-chief" }
        #expect(added?["enabled"] as? Bool == false && (added?["escalate"] as? [[String: Any]])?.first?["afterS"] as? Double == 600, "\(set)")
        for shot in ["n1-notification-rules-vi.png", "n2-notification-rules-en.png"] {
            #expect(FileManager.default.fileExists(atPath: artifacts + "/" + shot), "\(shot)")
        }
        try await h.stop()
    }
}
