import Foundation
import HubAppTesting
import HubDevices
import HubModel
import HubTesting
import Testing

/// The time-release screen in headless Chromium (`Tests/Browser/timerelease_flow.py`): two trucks through a
/// lane with a portal monitor on a pseudo-terminal and a camera on loopback TCP, one with a declaration (the
/// customs decision). An analyst opens the screen in Vietnamese and in English; the walk reads Chart.js's
/// own data back from the page and compares it, bar by bar and point by point, with the figures the API
/// serves (which `TimeReleaseRouteTests` checks against the passages' evidence); the slowest passages name
/// the stage that held them; the CSV link answers the same window.
extension BrowserTests {
    @Test func anAnalystReadsTheTimeReleaseCharts() async throws {
        let lane = try await PortalAndCamera.start(
            label: "time-release-browser", passages: "{beforeS: 30, afterS: 1, gapS: 5}",
            siteExtra: "console: {timeZone: Asia/Ho_Chi_Minh}")
        let h = lane.hub
        try await TimeReleaseRouteTests.twoTrucks(through: lane)
        let password = "release-desk-2026"
        #expect(try await h.post("/api/v1/users", #"{"user": "mai", "role": "analyst", "password": "\#(password)"}"#).status == 201)

        // What the page must draw: the API's figures for the screen's default window (the last seven local days).
        let figures = try await h.get("/api/v1/time-release?lane=1&slowest=10")
        #expect(figures.status == 200)
        let folder = try TemporaryDirectory("time-release-browser")
        let expected = folder.path("expected.json")
        try JSONSerialization.data(withJSONObject: figures.json).write(to: URL(fileURLWithPath: expected))
        let artifacts = Corpus.repositoryFile("test-artifacts/browser").path
        let walk = try BrowserWalk.start(
            "timerelease_flow.py",
            ["--url", "http://127.0.0.1:\(h.port)/analysis", "--user=mai", "--password=\(password)", "--expected", expected,
             "--artifacts", artifacts],
            folder: folder)
        let (passed, report) = await walk.finish()
        #expect(passed, "\(report)")
        for shot in ["t1-time-release-vi.png", "t2-time-release-en.png", "t3-search-times-en.png"] {
            #expect(FileManager.default.fileExists(atPath: artifacts + "/" + shot), "\(shot)")
        }
        try await h.stop()
        lane.pty.close()
    }
}
