import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubServer
import HubTesting
import HummingbirdWSClient
import Logging
import Testing

/// A portal alarm from the corpus, acknowledged by one operator while another operator's console
/// listens, adjudicated with a code, its count rates read through the API, and all of it still
/// there after the hub restarts.
@Suite(.timeLimit(.minutes(3)))
struct AlarmAcknowledgementTests {
    @Test func anAlarmIsAcknowledgedOnceForEveryConsoleThenAdjudicatedWithACode() async throws {
        let h = try await HubHarness(label: "acknowledge")
        let lan = try await h.token("operator", owner: "lan"), minh = try await h.token("operator", owner: "minh")
        let analyst = try await h.token("analyst")
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        // Minh's console is open when the alarm comes.
        let (texts, client) = h.liveTexts(token: minh)
        let frames = texts.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(await eventually { h.hub.live.count == 1 })

        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let firstAlarm = try LiveAlarmTests.linesToFirstAlarm().count
        try await pty.play(lines[..<firstAlarm])
        var alarmID: String?
        #expect(await eventually {
            alarmID = (try? await h.events("kind=radiation.alarm"))?.first?["id"] as? String
            return alarmID != nil
        })
        let id = try #require(alarmID)
        // The vehicle is still in the portal: no series yet, and the answer says why.
        let early = try await h.get("/api/v1/events/\(id)/count-rates")
        #expect(early.status == 409, "\(early.json)")
        #expect((early.json["error"] as? String)?.contains("not ended yet") == true)

        // Refused: a role that may not, a body that is not an object, an event that is not an alarm, no event.
        let path = "/api/v1/alarms/\(id)/acknowledgement"
        #expect(try await h.post(path, "{}", token: analyst).status == 403)
        #expect(try await h.post(path, "[1, 2]", token: lan).json["field"] as? String == "body")
        let start = try #require(try await h.events("kind=radiation.occupancy-start").first?["id"] as? String)
        #expect(try await h.post("/api/v1/alarms/\(start)/acknowledgement", "{}", token: lan).status == 409)
        #expect(try await h.post("/api/v1/alarms/01KAV9FT00AAAAAAAAAAAAAAAA/acknowledgement", "{}", token: lan).status == 404)

        // Lan acknowledges (no body at all): 201, and Minh's console hears it.
        let first = try await h.request("POST", path, body: nil, token: lan)
        #expect(first.status == 201, "\(first.text)")
        #expect(first.json["by"] as? String == "lan" && first.json["eventID"] as? String == id)
        var heard: [String: Any]?
        for await frame in frames where frame["type"] as? String == "acknowledgement" {
            heard = frame["acknowledgement"] as? [String: Any]
            break
        }
        #expect(heard?["eventID"] as? String == id && heard?["by"] as? String == "lan")
        #expect(heard?["at"] as? String == first.json["at"] as? String)
        // Minh acknowledges too: the first stands, answered 200, and nothing new goes out.
        let second = try await h.post(path, "{}", token: minh)
        #expect(second.status == 200)
        #expect(second.json["by"] as? String == "lan" && second.json["at"] as? String == first.json["at"] as? String)
        let open = try await h.get("/api/v1/alarms?state=open").json["alarms"] as? [[String: Any]] ?? []
        let row = try #require(open.first { ($0["event"] as? [String: Any])?["id"] as? String == id })
        #expect((row["acknowledgement"] as? [String: Any])?["by"] as? String == "lan")
        let audit = try await h.get("/api/v1/audit?action=alarm.acknowledge").json["entries"] as? [[String: Any]] ?? []
        #expect(audit.map { $0["actor"] as? String ?? "" } == ["minh", "lan"])
        #expect(audit.allSatisfy { $0["target"] as? String == id && $0["role"] as? String == "operator" })
        #expect(audit.last?["detail"] as? String == "acknowledged")
        #expect((audit.first?["detail"] as? String)?.hasPrefix("already acknowledged by lan at ") == true)

        // The code: validated against its set and against the outcome it implies, then stored.
        let adjudicate = "/api/v1/alarms/\(id)/adjudication"
        let unknown = try await h.post(adjudicate, #"{"code": "maybe"}"#, token: lan)
        #expect(unknown.status == 400 && unknown.json["field"] as? String == "code")
        let contradiction = try await h.post(adjudicate, #"{"code": "norm", "outcome": "referred"}"#, token: lan)
        #expect(contradiction.status == 400 && contradiction.json["field"] as? String == "outcome")
        #expect((contradiction.json["error"] as? String)?.contains("cleared") == true, "\(contradiction.json)")
        #expect(try await h.post(adjudicate, #"{"note": "no code"}"#, token: lan).json["field"] as? String == "code")
        let made = try await h.post(
            adjudicate, #"{"code": "norm", "note": "potash fertiliser", "isotopes": ["K-40"], "secondaryInspection": "completed"}"#, token: lan)
        #expect(made.status == 201)
        #expect(made.json["code"] as? String == "norm" && made.json["outcome"] as? String == "cleared")
        #expect(try await h.post(adjudicate, #"{"code": "tamper-fault", "outcome": "false-alarm"}"#, token: lan).status == 201)
        let audited = try await h.get("/api/v1/audit?action=alarm.adjudicate").json["entries"] as? [[String: Any]] ?? []
        #expect(audited.last?["detail"] as? String == "code norm, cleared, secondary completed")

        // The rest of the occupancy, to its GX: the series is the corpus's own numbers.
        let end = try #require(lines[firstAlarm...].firstIndex { $0.starts(with: Array("GX".utf8)) })
        try await pty.play(lines[firstAlarm...end])
        var occupancyID: String?
        #expect(await eventually {
            occupancyID = (try? await h.events("kind=radiation.occupancy"))?.first?["id"] as? String
            return occupancyID != nil
        })
        let series = try await h.get("/api/v1/events/\(id)/count-rates")
        #expect(series.status == 200, "\(series.json)")
        try CountRateCorpus.expectSeries(series.json, matchesCorpusOccupancyEndingAtLine: end)
        #expect(series.json["occupancy"] as? String == occupancyID)
        let alarm = try #require(try await h.get("/api/v1/events/\(id)").json["data"] as? [String: Any])
        let firstAlarmSample = (series.json["gamma"] as? [[String: Any]] ?? []).first { $0["alarm"] as? Bool == true }
        #expect(CountRateCorpus.doubles(firstAlarmSample?["detectorsCps"]) == CountRateCorpus.doubles(alarm["detectorsCps"]), "the alarm's own rates")
        let ofOccupancy = try await h.get("/api/v1/events/\(try #require(occupancyID))/count-rates")
        #expect((ofOccupancy.json["gamma"] as? [Any])?.count == (series.json["gamma"] as? [Any])?.count)
        #expect(try await h.get("/api/v1/events/\(start)/count-rates").status == 404)

        client.cancel()
        try await h.stop()

        // After a restart the acknowledgement and the code are still there.
        let again = try await HubHarness(reusing: h.dir, adminToken: h.adminToken)
        let adjudicated = try await again.get("/api/v1/alarms?state=adjudicated").json["alarms"] as? [[String: Any]] ?? []
        let kept = try #require(adjudicated.first { ($0["event"] as? [String: Any])?["id"] as? String == id })
        #expect((kept["acknowledgement"] as? [String: Any])?["by"] as? String == "lan")
        #expect((kept["acknowledgement"] as? [String: Any])?["at"] as? String == first.json["at"] as? String)
        #expect((kept["history"] as? [[String: Any]])?.map { $0["code"] as? String ?? "" } == ["norm", "tamper-fault"])
        try await again.stop()
        pty.close()
    }
}
