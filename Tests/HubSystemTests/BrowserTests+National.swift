import Foundation
import HubAppTesting
import HubTesting
import Testing

/// The national view in headless Chromium (`Tests/Browser/national_flow.py`): a central hub with two
/// departments and three forwarding gates (`NationalScenario`); an analyst reads the departments and
/// their gates in Vietnamese, opens a gate's lanes, and reads the same in English.
extension BrowserTests {
    @Test func anAnalystReadsTheNationalViewAndAGatesLanes() async throws {
        let h = try await HubHarness(
            label: "national-browser", devices: "", siteExtra: NationalScenario.config + "\nconsole: {timeZone: Asia/Ho_Chi_Minh}",
            site: "central")
        let (_, allTaken) = try await NationalScenario().post(to: h)
        #expect(allTaken)
        let password = "national-desk-2026"
        #expect(try await h.post("/api/v1/users", #"{"user": "hoa", "role": "analyst", "password": "\#(password)"}"#).status == 201)
        let artifacts = Corpus.repositoryFile("test-artifacts/browser").path
        let walk = try BrowserWalk.start(
            "national_flow.py",
            ["--url", "http://127.0.0.1:\(h.port)/national", "--user=hoa", "--password=\(password)", "--artifacts", artifacts],
            folder: try TemporaryDirectory("national-browser"))
        let (passed, report) = await walk.finish()
        #expect(passed, "\(report)")
        for shot in ["n1-national-vi.png", "n2-lanes-vi.png", "n3-national-en.png"] {
            #expect(FileManager.default.fileExists(atPath: artifacts + "/" + shot), "\(shot)")
        }
        try await h.stop()
    }
}
