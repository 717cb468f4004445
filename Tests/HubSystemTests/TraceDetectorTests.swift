import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubModel
import HubServer
import HubTesting
import Testing

/// An ion-mobility trace detector described only by its profile (DeviceProfiles/ims-trace-detector.yaml):
/// its lines on a pseudo-terminal reach a served hub, an alarm is stored with its substance, channel
/// and amplitude, pushed live to the operator, queued as an open alarm, and joins the passage of the
/// vehicle whose container the gate camera read; a bad line is rejected and counted.
@Suite(.timeLimit(.minutes(3)))
struct TraceDetectorTests {
    @Test func aTraceAlarmReachesTheOperatorAndThePassage() async throws {
        // No portal on this lane: the reads group by time, and a group is stored beforeS + afterS
        // after its last read, so the windows are short.
        let h = try await HubHarness(
            label: "trace",
            devices: """
                  - {id: ocr-lane1, profile: gate-ocr-camera, lane: "1", listen: "127.0.0.1:0"}
                  - {id: ims-lane1, profile: ims-trace-detector, lane: "1", port: ims-lane1}
                """,
            siteExtra: "passages: {beforeS: 2, afterS: 1, gapS: 5}")
        let pty = try PseudoTerminal()
        try pty.link(at: h.dir.path("ims-lane1"))
        #expect(await eventually { (try? await h.device("ims-lane1")["state"] as? String) == "online" })
        #expect(await eventually { (try? await h.boundPort("ocr-lane1")) ?? 0 > 0 })

        let operatorToken = try await h.token("operator")
        let (texts, client) = h.liveTexts(token: operatorToken)
        let frames = texts.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(await eventually { h.hub.live.count == 1 })

        // The gate camera reads the truck's container and plate; then the container is swabbed.
        let camera = try LoopbackClient(port: try #require(try await h.boundPort("ocr-lane1")))
        try camera.send("OCR,1,,CONTAINER,CSQU3054383,95,rear\r\nOCR,1,,PLATE,51C-123.45,90,front\r\n")
        #expect(await eventually { (try? await h.events("kind=ocr.read").count) == 2 })
        let now = Timestamp.format(Date())
        try await pty.play([
            Array("IMS,garbled line\r\n".utf8),
            Array("IMS,\(now),SN40411,ALARM,TNT,EXP-,412,CSQU3054383,51C-123.45\r\n".utf8),
        ][...])

        var pushed: [String: Any]?
        for await frame in frames {
            let event = frame["event"] as? [String: Any]
            if frame["type"] as? String == "event", event?["kind"] as? String == EventKind.traceAlarm {
                pushed = event
                break
            }
        }
        let alarm = try #require(pushed)
        let id = try #require(alarm["id"] as? String)
        #expect(alarm["severity"] as? String == "alarm")
        // Stored as pushed: the substance, channel and amplitude, and the swabbed container and plate.
        let stored = try await h.get("/api/v1/events/\(id)").json
        let data = try #require(stored["data"] as? [String: Any])
        #expect(data["substance"] as? String == "TNT")
        #expect(data["channel"] as? String == "EXP-")
        #expect(data["amplitude"] as? Double == 412 || data["amplitude"] as? Int == 412)
        #expect(data["amplitudeUnit"] as? String == "du")
        let subject = try #require(stored["subject"] as? [String: Any])
        #expect(subject["containers"] as? [String] == ["CSQU3054383"])
        #expect((stored["device"] as? [String: Any])?["family"] as? String == "trace-detector")
        #expect(stored["observedAt"] as? String == now)

        // Waiting for the operator, like any alarm.
        let open = try await h.get("/api/v1/alarms?state=open").json["alarms"] as? [[String: Any]] ?? []
        #expect(open.contains { ($0["event"] as? [String: Any])?["id"] as? String == id })

        // The bad line was archived, rejected and counted; the good one made one reading.
        let counters = try #require((try await h.device("ims-lane1"))["counters"] as? [String: Any])
        #expect(counters["rejected"] as? [String: Int] == ["malformed": 1])
        #expect(counters["readings"] as? Int == 1 && counters["frames"] as? Int == 2)

        // The vehicle's passage holds the alarm with the camera's reads, and is itself an alarm.
        // (A revision stored before the swab's line arrived may come first; the alarm joins it later.)
        func alarmedPassage() async -> [String: Any]? {
            ((try? await h.events("kind=gate.passage")) ?? []).first { ($0["data"] as? [String: Any])?["traceAlarm"] as? Bool == true }
        }
        let found = await eventually(timeout: .seconds(15)) { await alarmedPassage() != nil }
        let passages = (try? await h.events("kind=gate.passage")) ?? []
        #expect(found, "passages: \(passages.map { $0["data"] ?? "" })")
        let passage = try #require(await alarmedPassage())
        let body = try #require(passage["data"] as? [String: Any])
        #expect(body["traceAlarm"] as? Bool == true)
        #expect((body["events"] as? [String])?.contains(id) == true)
        #expect((body["events"] as? [String])?.count == 3, "two reads and the trace alarm")
        #expect(passage["severity"] as? String == "alarm")
        #expect((passage["subject"] as? [String: Any])?["containers"] as? [String] == ["CSQU3054383"])

        client.cancel()
        try await h.stop()
        pty.close()
    }

    /// The simulator writes what the shipped profile describes; `niihub decode --profile` reads it
    /// back: every alarm it meant to send is a `trace.alarm` with its substance, and the lines it
    /// sent behind noise on purpose are rejected and counted.
    @Test func theSimulatorsLinesDecodeUnderTheProfile() async throws {
        let dir = try TemporaryDirectory("trace-sim")
        let profile = Corpus.repositoryFile("DeviceProfiles/ims-trace-detector.yaml").path
        let log = dir.path("trace.log")
        let sim = try await SimulatorRun.run(
            ["trace", "--profile", profile, "--stdout", "--samples", "60", "--alarm-rate", "0.3", "--speed", "100000",
             "--seed", "5", "--garbage", "0.1", "--trace", log], in: dir)
        #expect(sim.status == 0, "\(sim.err)")
        let meant = try SimulatorRun.trace(log)
        #expect(meant.count == 60)
        let file = dir.path("ims.txt")
        FileManager.default.createFile(atPath: file, contents: Data(sim.out))
        let r = try CommandLineTests.run(["decode", "--protocol", "declarative-line", "--profile", profile, file])
        let events = r.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        // Each line sent behind noise is rejected as garbage, and only that line.
        let garbage = sim.err.firstMatch(of: /garbage (\d+)/).map { Int($0.output.1)! } ?? 0
        #expect(garbage > 0, "\(sim.err)")
        #expect(events.count == 60 - garbage, "\(r.err)")
        #expect(r.err.contains("60 frames, \(60 - garbage) events, \(garbage) rejected (garbage \(garbage))"), "\(r.err)")
        let alarms = events.filter { $0["kind"] as? String == "trace.alarm" }
        let meantAlarms = meant.filter { $0["result"] as? String == "ALARM" }
        #expect(!alarms.isEmpty && alarms.count <= meantAlarms.count)
        let substances = Set(meantAlarms.compactMap { $0["substance"] as? String })
        #expect(alarms.allSatisfy { substances.contains((($0["data"] as? [String: Any])?["substance"] as? String) ?? "") })
        #expect(alarms.allSatisfy { $0["severity"] as? String == "alarm" && ($0["device"] as? [String: Any])?["profile"] as? String == "ims-trace-detector" })
    }
}
