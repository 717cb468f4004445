import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubDrivers
import HubModel
import HubServer
import HubTesting
import Testing

/// The operator console as a person uses it, in headless Chromium at 1366×768 driven by Selenium
/// (`Tests/Browser/operator_flow.py`), in Vietnamese: log in, switch language, see an alarm from a
/// simulated portal monitor arrive live as a sentence with the truck, its container and the count-rate
/// chart, acknowledge it (a second console in another tab stops sounding) and adjudicate it from the
/// keyboard with a code; as admin find it and its acknowledgement in the audit
/// log on the admin view; then see the lane's last passage and a sealed transit move on the Leaflet map
/// and leave its corridor. Screenshots go to `test-artifacts/browser/`; the script fails on visible
/// `undefined`, `null`, `NaN`, a missing translation or a raw ULID.
/// Run on its own by `make test` (`NIIHUB_BROWSER_TESTS=1`), not beside the other suites: a browser
/// on two shared cores next to ten thousand connections and scenario runs measures the machine, not the page.
/// The analyst's walk (`BrowserTests+Analyst.swift`) runs after it, never beside it, for the same reason.
@Suite(
    .serialized, .timeLimit(.minutes(6)),
    .enabled(if: ProcessInfo.processInfo.environment["NIIHUB_BROWSER_TESTS"] == "1", "make test runs it alone"))
struct BrowserTests {
    static let transit = TransitTests.declaration.replacingOccurrences(of: "500000000001", with: "700000000002")
        .replacingOccurrences(of: "ES-0042", with: "ES-0070")

    /// A clear scan of the declared container on lane 1, started now.
    static func scan() -> String {
        """
        {"schema": "niihub.scan-result/1", "scanId": "B-\(Int(Date().timeIntervalSince1970))", "scanner": {"id": "xr-lane1"},
         "site": "e2e-gate", "lane": "1", "startedAt": "\(Timestamp.format(Date()))",
         "containers": ["CSQU3054383"], "plate": "51C-123.45", "images": [], "atd": {"result": "clear"}}
        """
    }

    @Test func anOperatorSeesAnAlarmLiveAndAdjudicatesIt() async throws {
        // `seals` reports the transit; `held-seals` quarantines units it does not know, and one waits
        // there for the admin.
        let h = try await HubHarness(
            label: "browser",
            devices: HubHarness.serialRPM + "\n  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}"
                + "\n  - {id: held-seals, profile: gt06-eseal, listen: \"127.0.0.1:0\", units: [], admission: quarantine}",
            // A scan posted well before the truck reaches the portal still joins its passage. The
            // notification rule's webhook listens nowhere: the admin sees its alarm retrying, and why.
            siteExtra: "passages: {beforeS: 600, afterS: 3, gapS: 3}\n"
                + "notifications: {maxAttempts: 100, rules: [{name: lane-alarms, match: {kinds: [radiation.alarm]}, "
                + "notify: [{webhook: \"http://127.0.0.1:9/hook\", secretEnv: PATH}]}]}")
        #expect(await eventually { (try? await h.boundPort("held-seals")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("held-seals")))
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
            "--handshake", handshake.url.path, "--artifacts", artifacts,
            "--passage=CSQU3054383,51C12345,700000000001", "--transit=700000000002", "--pending-unit=\(AdmissionTests.stranger)",
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
        // A truck on lane 1: its declaration and a scan of its container, then the portal monitor's
        // lines to its first alarm (live on the page) and on to the end of its occupancy.
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let alarm = try LiveAlarmTests.linesToFirstAlarm().count
        if browser.isRunning {
            #expect(try await h.post("/api/v1/declarations", DeclarationSamples.doc("700000000001", containers: ["CSQU3054383"])).status == 201)
            #expect(try await h.post("/api/v1/declarations", Self.transit).status == 201)
            #expect(try await h.post("/api/v1/scans", Self.scan()).status == 201)
            try await pty.play(lines[..<alarm])
            let end = try #require(lines[alarm...].firstIndex { $0.starts(with: Array("GX".utf8)) })
            try await pty.play(lines[alarm...end])
        }

        // Once the audit log is checked: a sealed transit reporting.
        _ = await eventually(timeout: .seconds(150), every: .milliseconds(200)) {
            FileManager.default.fileExists(atPath: handshake.path("audited")) || !browser.isRunning
        }
        let seal = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        func report(_ seq: Int, _ minute: Int, _ lat: Double, _ lon: Double) async throws {
            try seal.send(String(format: "##S,eSeal,ES-0070,%d,POS,20261125%02d%02d00,%.5f,%.5f,87,E##\r\n", seq, 10 + minute / 60, minute % 60, lat, lon))
            #expect(await seal.receive(timeoutMs: 15_000)?.isEmpty == false, "acked")
        }
        if browser.isRunning { try await report(1, 0, 10.80, 106.71) }
        // Once the map shows it: it drives on, off the corridor.
        _ = await eventually(timeout: .seconds(150), every: .milliseconds(200)) {
            FileManager.default.fileExists(atPath: handshake.path("transit-seen")) || !browser.isRunning
        }
        if browser.isRunning {
            for (i, p) in [(10.83, 106.70), (10.86, 106.70), (10.88, 106.69)].enumerated() { try await report(2 + i, 5 + i, p.0, p.1) }
        }

        _ = await eventually(timeout: .seconds(150), every: .milliseconds(200)) { !browser.isRunning }
        let report = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        #expect(!browser.isRunning && browser.terminationStatus == 0, "\(report)")
        // The page's first paint and the live alarm's delay, for BENCHMARKS.md.
        print("browser figures: \(report.split(separator: "\n").last ?? "")")

        let audit = try await h.get("/api/v1/audit?action=alarm.adjudicate").json["entries"] as? [[String: Any]] ?? []
        #expect(audit.first?["actor"] as? String == "lan")
        // The acknowledgement reached the hub: audited, and kept with the alarm beside its code.
        let acknowledged = try await h.get("/api/v1/audit?action=alarm.acknowledge").json["entries"] as? [[String: Any]] ?? []
        #expect(!acknowledged.isEmpty && acknowledged.allSatisfy { $0["actor"] as? String == "lan" }, "\(acknowledged)")
        let done = try await h.get("/api/v1/alarms?state=adjudicated").json["alarms"] as? [[String: Any]] ?? []
        let card = try #require(done.first { ($0["event"] as? [String: Any])?["kind"] as? String == "radiation.alarm" })
        #expect((card["acknowledgement"] as? [String: Any])?["by"] as? String == "lan")
        #expect((card["adjudication"] as? [String: Any])?["code"] as? String == "norm")
        #expect((card["adjudication"] as? [String: Any])?["note"] as? String == "phân bón kali, đã kiểm tra tại bãi 2")
        #expect(FileManager.default.fileExists(atPath: artifacts + "/2-alarm-arrived.png"))
        #expect(FileManager.default.fileExists(atPath: artifacts + "/4-audit-log.png"))
        #expect(FileManager.default.fileExists(atPath: artifacts + "/5-lanes.png"))
        #expect(FileManager.default.fileExists(atPath: artifacts + "/7-transit-moved.png"))
        let approved = try await h.get("/api/v1/audit?action=admission.approve").json["entries"] as? [[String: Any]] ?? []
        #expect(approved.first?["actor"] as? String == "admin")
        #expect(approved.first?["target"] as? String == "held-seals/\(AdmissionTests.stranger)")
        try await h.stop()
        pty.close()
    }
}
