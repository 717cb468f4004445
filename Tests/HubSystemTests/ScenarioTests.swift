import Foundation
import HubApp
import HubAppTesting
import HubDelivery
import HubStore
import HubTesting
import Testing

/// Every scenario under `Simulators/Scenarios/` played by the built `niisim run --expect` against a
/// hub of its own (one lane: portal monitor on a pseudo-terminal link, OCR camera and e-seals on
/// loopback TCP, short passage windows; a trace detector on a link and the site's notification rule
/// mailing niisim's mail sink for the scenarios that use them), and a wrong expectation caught with
/// a diff naming the item.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ScenarioTests {
    static let names = [
        "clean-green-passage", "radiation-alarm", "ocr-misread-repaired", "undeclared-container",
        "seal-tampered-in-transit", "corridor-deviation", "late-declaration", "device-unplugged-mid-passage",
        "n42-instrument-alarm", "scan-suspect",
        // Central image review (issue 18): two analysts' suspect verdict turns a green declaration red.
        "image-verdict-red", "bag-from-vehicle-suspect",
        // Queued trucks (issue 15): the portal crosses one at a time, reads fall inside the truck ahead's occupancy.
        "queue-middle-alarm", "queue-nose-to-tail", "back-to-back", "missed-plate", "stop-in-portal",
        // Commands to e-seals (issue 22): a position, and an unlock on the road approved by a second supervisor.
        "seal-unlocked-by-command",
    ]

    static func path(_ name: String) -> String {
        Corpus.packageRoot.appendingPathComponent("Simulators/Scenarios/\(name).yaml").path
    }

    /// The scenario site's listeners: scenario device name → the hub's device id.
    static let listeners = [("ocr", "ocr-lane1"), ("eseal", "seals"), ("gt06", "gt06-seals"), ("teltonika", "trackers")]

    /// `niisim run FILE --expect` against a fresh hub with the scenario site's devices (its folder
    /// devices only when the scenario writes into their folders: fewer moving parts per hub);
    /// `inspect` looks at the hub after the run, before it stops.
    static func play(_ file: String, inspect: (HubHarness) async throws -> Void = { _ in }) async throws -> SimulatorRun {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Placed along lane 1 as in Simulators/Scenarios/site.yaml: camera 8 m before the portal, scanner 30 m after it.
        let folders = ["scanner-inbox": "{id: scanner-lane1, profile: container-scanner, lane: \"1\", position: 30, folder: scanner-inbox}",
                       "n42-inbox": "{id: n42-lane1, profile: n42-instrument, lane: \"1\", folder: n42-inbox}",
                       "bag-inbox": "{id: bags-hall, profile: baggage-scanner, lane: \"B\", folder: bag-inbox}"]
            .filter { text.contains("folder: " + $0.key) }
        // The trace detector and the mail sink only for the scenarios that use them.
        let trace = text.contains("id: ims-lane1") ? "\n  - {id: ims-lane1, profile: ims-trace-detector, lane: \"1\", port: ims-lane1}" : ""
        let mailPort = text.contains("\nmail:") ? try LoopbackServer().port : nil
        let h = try await HubHarness(
            label: "scenario",
            devices: HubHarness.serialRPM + """

                  - {id: ocr-lane1, profile: gate-ocr-camera, lane: "1", position: -8, listen: "127.0.0.1:0"}
                  - {id: seals, profile: ascii-eseal, listen: "127.0.0.1:0"}
                  - {id: gt06-seals, profile: gt06-eseal, listen: "127.0.0.1:0"}
                  - {id: trackers, profile: teltonika-fmb, listen: "127.0.0.1:0"}
                """ + folders.values.sorted().map { "\n  - " + $0 }.joined() + trace,
            siteExtra: "passages: {beforeS: 30, afterS: 2, gapS: 5}" + (try mailPort.map { "\n" + (try siteNotifications(port: $0)) } ?? ""))
        if mailPort != nil {
            // The notification service starts after the newest stored event: it must have its place first.
            #expect(await eventually { (try? await h.hub.store.feedCursor(NotificationService.consumerName)) != nil })
        }
        var args = ["run", file, "--hub", "http://127.0.0.1:\(h.port)", "--token", h.adminToken, "--speed", "2", "--expect",
                    "--device", "rpm=\(h.devicePath)", "--device", "scanner=\(h.dir.path("scanner-inbox"))",
                    "--device", "n42=\(h.dir.path("n42-inbox"))", "--device", "bags=\(h.dir.path("bag-inbox"))",
                    "--device", "trace=\(h.dir.path("ims-lane1"))"]
        if let mailPort { args += ["--mail", "127.0.0.1:\(mailPort)"] }
        for (name, id) in listeners {
            #expect(await eventually { (try? await h.boundPort(id)) ?? 0 > 0 })
            let port = try #require(try await h.boundPort(id))
            args += ["--device", "\(name)=127.0.0.1:\(port)"]
        }
        for inbox in folders.keys {
            #expect(await eventually { FileManager.default.fileExists(atPath: h.dir.path(inbox + "/processed")) })
        }
        let run = try await SimulatorRun.run(args, in: h.dir)
        try await inspect(h)
        try await h.stop()
        return run
    }

    /// The scenario site's `notifications:` block (Simulators/Scenarios/site.yaml, to its end) with its
    /// relay on `port`: the rules a tester's hub has are the ones tested.
    static func siteNotifications(port: Int) throws -> String {
        let site = try String(contentsOfFile: Corpus.packageRoot.appendingPathComponent("Simulators/Scenarios/site.yaml").path, encoding: .utf8)
        let block = try #require(site.range(of: "\nnotifications:\n")).lowerBound
        let text = String(site[site.index(after: block)...])
        #expect(text.contains("port: 47015"))
        return text.replacingOccurrences(of: "port: 47015", with: "port: \(port)")
    }

    @Test(arguments: names) func scenarioHoldsItsExpectations(_ name: String) async throws {
        let run = try await Self.play(Self.path(name))
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status == 0, "\(name):\n\(out)\n\(run.err)")
        #expect(out.contains("all") && !out.contains("DIFF"))
    }

    /// Notifications (issue 21): a trace detector's alarm mailed to the operator through niisim's mail
    /// sink and, unacknowledged, escalated to the supervisor after the rule's delay; acknowledged, its
    /// escalation cancelled. The hub's outbox rows for the alarm say the same as the sink.
    @Test(arguments: zip(["trace-alarm-escalates", "trace-alarm-acknowledged"], [["0:sent", "1:sent"], ["0:sent", "1:cancelled"]]))
    func aTraceAlarmIsMailedAndEscalatesOnlyWhileUnacknowledged(_ name: String, _ outbox: [String]) async throws {
        var rows: [String] = []
        let run = try await Self.play(Self.path(name)) { h in
            let alarm = try #require(try await h.events("kind=trace.alarm").first?["id"] as? String)
            let messages = try await h.get("/api/v1/notifications/\(alarm)").json["messages"] as? [[String: Any]] ?? []
            rows = messages.map { "\($0["step"] ?? ""):\($0["state"] ?? "")" }
        }
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status == 0, "\(name):\n\(out)\n\(run.err)")
        #expect(out.contains("all") && !out.contains("DIFF"))
        #expect(rows == outbox, "\(out)")
    }

    @Test func aWrongExpectationExitsNonZeroWithADiffNamingTheItem() async throws {
        let dir = try TemporaryDirectory("wrong-scenario")
        // Two wrong items: a passage count, and an alarm the queue holds once, not three times.
        let text = try String(contentsOfFile: Self.path("radiation-alarm"), encoding: .utf8)
            .replacingOccurrences(of: "events: {gate.passage: 1}", with: "events: {gate.passage: 2}")
            .replacingOccurrences(of: "{kind: radiation.alarm, device: rpm-lane1, count: 1}",
                                  with: "{kind: radiation.alarm, device: rpm-lane1, count: 3}")
            .replacingOccurrences(of: "settleS: 90", with: "settleS: 20")
        let run = try await Self.play(try dir.write("wrong.yaml", text))
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status != 0)
        #expect(out.contains("expect: 2 of "), "\(out)")
        #expect(out.contains("DIFF  events gate.passage\n          expected: 2\n          found:    1"), "\(out)")
        #expect(out.contains("DIFF  alarms radiation.alarm from rpm-lane1\n          expected: exactly 3\n          found:    1;"), "\(out)")
        #expect(out.contains("1 × radiation.alarm from rpm-lane1 (open)"), "\(out)")
        #expect(out.contains("ok    alarms radiation.occupancy from rpm-lane1: 1"), "\(out)")
    }

    @Test func aScannerThatPostsOverHTTPGivesTheSameOutcomeAsItsFolder() async throws {
        let dir = try TemporaryDirectory("posting-scanner")
        let text = try String(contentsOfFile: Self.path("scan-suspect"), encoding: .utf8)
            .replacingOccurrences(of: "scanner: {folder: scanner-inbox}", with: "scanner: {post: true}")
        #expect(text.contains("{post: true}"))
        let run = try await Self.play(try dir.write("posting.yaml", text))
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status == 0, "\(out)\n\(run.err)")
        #expect(out.contains("ok    passage #1: containers [MSKU6011672], plate 51D45678, no alarm, scan suspect"), "\(out)")
    }

    @Test func aScanJudgedAfterThePassageWasStoredRevisesItAndItStillCountsAsOnePassage() async throws {
        let dir = try TemporaryDirectory("late-scan")
        // scan-suspect with the scanner's result coming long after the truck's passage was stored.
        let text = try String(contentsOfFile: Self.path("scan-suspect"), encoding: .utf8)
            .replacingOccurrences(of: "plate: 51D-456.78, scan: suspect}", with: "plate: 51D-456.78}\n  - {at: 24s, scan: {lane: \"1\", containers: [MSKU6011672], plate: 51D-456.78, suspect: true}}")
        #expect(text.contains("at: 24s, scan:"))
        var revisions: [[String: Any]] = []
        let run = try await Self.play(try dir.write("late-scan.yaml", text)) { h in
            revisions = try await h.events("kind=gate.passage&limit=100")
        }
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status == 0, "\(out)\n\(run.err)")
        #expect(out.contains("ok    events gate.passage: 1"), "\(out)")
        #expect(out.contains("ok    passage #1: containers [MSKU6011672], plate 51D45678, no alarm, scan suspect"), "\(out)")
        // Stored twice: without the scan, then again with it, the second naming the first.
        let data = revisions.compactMap { $0["data"] as? [String: Any] }
        #expect(data.count == 2, "\(revisions)")
        #expect(data.last?["revision"] as? Int == 2 && data.first?["scanResult"] == nil)
        #expect(data.last?["supersedes"] as? [String] == [revisions.first?["id"] as? String ?? "?"])
        #expect(Set(data.compactMap { $0["passage"] as? String }).count == 1)
    }

    @Test func aScenarioThatNamesAnUnknownDeviceOrAlarmIsRefusedBeforeItRuns() async throws {
        let dir = try TemporaryDirectory("bad-scenario")
        let bad = """
            devices:
              teltonika: {tcp: "127.0.0.1:9"}
            timeline:
              - {at: 0s, tracker: {device: teltonika, unit: "352094080000077", alarm: cut, lat: 10.8, lon: 106.7}}
            """
        let run = try await SimulatorRun.run(
            ["run", try dir.write("bad.yaml", bad), "--hub", "http://127.0.0.1:9", "--token", "x"], in: dir)
        #expect(run.status != 0)
        #expect(run.err.contains("teltonika has no 'cut' alarm"), "\(run.err)")

        // A step's faults are checked as the command line's flags are.
        let badFault = bad.replacingOccurrences(of: "alarm: cut, ", with: "").replacingOccurrences(of: "106.7}}", with: "106.7}, faults: {garbage: 2}}")
        let faulty = try await SimulatorRun.run(
            ["run", try dir.write("bad-fault.yaml", badFault), "--hub", "http://127.0.0.1:9", "--token", "x"], in: dir)
        #expect(faulty.status != 0)
        #expect(faulty.err.contains("faults: ") && faulty.err.contains("--garbage is a share between 0 and 1"), "\(faulty.err)")

        // Mail expectations with no mail sink to read them from: refused, the file, line and field named.
        let noSink = bad.replacingOccurrences(of: "alarm: cut, ", with: "") + "\nexpect:\n  mail:\n    - {to: op@gate.example}\n"
        let file = try dir.write("no-sink.yaml", noSink)
        let refused = try await SimulatorRun.run(["run", file, "--hub", "http://127.0.0.1:9", "--token", "x"], in: dir)
        #expect(refused.status != 0)
        #expect(refused.err.contains("\(file):") && refused.err.contains("expect.mail: mail expectations need a mail sink"), "\(refused.err)")
    }
}
