import Foundation
import HubDevices
import HubDrivers
import HubServer
import HubTesting
import Testing

/// The operator page as a person uses it, in headless Chromium driven by Selenium
/// (`Tests/Browser/operator_flow.py`): log in, see an alarm from a simulated portal monitor arrive
/// live, adjudicate it, find it in the audit log. Screenshots go to `test-artifacts/browser/`.
/// Run on its own by `make test` (`NIIHUB_BROWSER_TESTS=1`), not beside the other suites: a browser
/// on two shared cores next to ten thousand connections and scenario runs measures the machine, not the page.
@Suite(
    .timeLimit(.minutes(3)),
    .enabled(if: ProcessInfo.processInfo.environment["NIIHUB_BROWSER_TESTS"] == "1", "make test runs it alone"))
struct BrowserTests {
    @Test func anOperatorSeesAnAlarmLiveAndAdjudicatesIt() async throws {
        // A seal listener that quarantines units it does not know: one waits there for the admin.
        let h = try await HubHarness(
            label: "browser",
            devices: HubHarness.serialRPM + "\n  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\", units: [], admission: quarantine}")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        try unit.send(try #require(GT06Encoder.login(imei: AdmissionTests.stranger, serial: 1)))
        #expect(await eventually { (try? await AdmissionTests.pending(h).count) == 1 })
        let password = "gate-one-shift"
        #expect(try await h.post("/api/v1/users", #"{"user": "lan", "role": "operator", "password": "\#(password)"}"#).status == 201)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })

        let handshake = try TemporaryDirectory("browser-handshake")
        let artifacts = Corpus.repositoryFile("test-artifacts/browser").path
        let log = handshake.path("browser.log")
        FileManager.default.createFile(atPath: log, contents: nil)
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        browser.arguments = [
            "python3", Corpus.repositoryFile("Tests/Browser/operator_flow.py").path, "--url", "http://127.0.0.1:\(h.port)/",
            "--user=lan", "--password=\(password)",
            "--admin-password=\(try AdminCredential.read(storePath: h.hub.config.storePath).password)",
            "--handshake", handshake.url.path, "--artifacts", artifacts, "--pending-unit", AdmissionTests.stranger,
        ]
        // A file, not a pipe: nobody reads while the browser runs, and a full pipe would stall it.
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        browser.standardOutput = output
        browser.standardError = output
        try browser.run()
        defer { if browser.isRunning { browser.terminate() } }

        // The alarm goes in only once the operator is logged in and the page's socket is open.
        let ready = await eventually(timeout: .seconds(90), every: .milliseconds(200)) {
            FileManager.default.fileExists(atPath: handshake.path("ready")) || !browser.isRunning
        }
        #expect(ready && browser.isRunning, "browser: \(String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self))")
        if browser.isRunning { try await pty.play(try LiveAlarmTests.linesToFirstAlarm()[...]) }

        _ = await eventually(timeout: .seconds(120), every: .milliseconds(200)) { !browser.isRunning }
        let report = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        #expect(!browser.isRunning && browser.terminationStatus == 0, "\(report)")

        let audit = try await h.get("/api/v1/audit?action=alarm.adjudicate").json["entries"] as? [[String: Any]] ?? []
        #expect(audit.first?["actor"] as? String == "lan")
        #expect(FileManager.default.fileExists(atPath: artifacts + "/2-alarm-arrived.png"))
        #expect(FileManager.default.fileExists(atPath: artifacts + "/4-audit-log.png"))
        let approved = try await h.get("/api/v1/audit?action=admission.approve").json["entries"] as? [[String: Any]] ?? []
        #expect(approved.first?["actor"] as? String == "admin")
        #expect(approved.first?["target"] as? String == "seals/\(AdmissionTests.stranger)")
        try await h.stop()
        pty.close()
    }
}
