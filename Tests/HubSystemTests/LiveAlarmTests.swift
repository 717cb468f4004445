import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubServer
import HubTesting
import HummingbirdWSClient
import Logging
import Testing

/// An RPM alarm line written into a pseudo-terminal reaches a WebSocket client as it is stored,
/// and an operator adjudicates it.
@Suite(.timeLimit(.minutes(2)))
struct LiveAlarmTests {
    /// The corpus feed up to and including its first gamma alarm line.
    static func linesToFirstAlarm() throws -> [[UInt8]] {
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let first = try #require(lines.firstIndex { $0.starts(with: Array("GA,".utf8)) })
        return Array(lines[...first])
    }

    @Test func anAlarmIsPushedLiveThenAdjudicated() async throws {
        let h = try await HubHarness(label: "live")
        let operatorToken = try await h.token("operator")
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })

        let (texts, client) = h.liveTexts(token: operatorToken)
        let frames = texts.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        // The alarm goes in only once the hub has this client on its list.
        #expect(await eventually { h.hub.live.count == 1 })
        try await pty.play(try Self.linesToFirstAlarm()[...])

        var alarm: [String: Any]?
        var pushedBefore: [String] = []
        for await frame in frames {
            let event = frame["event"] as? [String: Any]
            if frame["type"] as? String == "event", event?["kind"] as? String == "radiation.alarm" {
                alarm = event
                break
            }
            if let kind = event?["kind"] as? String { pushedBefore.append(kind) }
        }
        let event = try #require(alarm)
        // The vehicle's start, stored before its alarm, is lane news, not an alarm: never pushed nor queued.
        let starts = try await h.events("kind=radiation.occupancy-start")
        #expect(starts.count == 1 && starts.first?["severity"] as? String == "info")
        #expect(!pushedBefore.contains("radiation.occupancy-start"), "\(pushedBefore)")
        let id = try #require(event["id"] as? String)
        #expect(event["severity"] as? String == "alarm")
        #expect(event["lane"] as? String == "1")
        // Pushed after the store has it.
        #expect(try await h.get("/api/v1/events/\(id)").status == 200)

        let open = try await h.get("/api/v1/alarms?state=open").json["alarms"] as? [[String: Any]] ?? []
        #expect(open.contains { ($0["event"] as? [String: Any])?["id"] as? String == id })
        #expect(!open.contains { ($0["event"] as? [String: Any])?["kind"] as? String == "radiation.occupancy-start" })

        // Bad adjudications are refused by field; a good one is stored, pushed and audited.
        let path = "/api/v1/alarms/\(id)/adjudication"
        #expect(try await h.post(path, #"{"outcome": "maybe"}"#, token: operatorToken).json["field"] as? String == "outcome")
        #expect(
            try await h.post(path, #"{"outcome": "cleared", "secondaryInspection": "later"}"#, token: operatorToken)
                .json["field"] as? String == "secondaryInspection")
        let made = try await h.post(
            path, #"{"outcome": "referred", "note": "truck 51C to bay 2", "isotopes": ["Cs-137"], "secondaryInspection": "requested"}"#,
            token: operatorToken)
        #expect(made.status == 201)
        var pushed = false
        for await frame in frames where frame["type"] as? String == "adjudication" {
            pushed = (frame["adjudication"] as? [String: Any])?["eventID"] as? String == id
            break
        }
        #expect(pushed)

        let adjudicated = try await h.get("/api/v1/alarms?state=adjudicated").json["alarms"] as? [[String: Any]] ?? []
        let row = try #require(adjudicated.first { ($0["event"] as? [String: Any])?["id"] as? String == id })
        let a = try #require(row["adjudication"] as? [String: Any])
        #expect(a["outcome"] as? String == "referred")
        #expect(a["isotopes"] as? [String] == ["Cs-137"])
        #expect(a["secondaryInspection"] as? String == "requested")
        #expect(a["by"] as? String == "test operator")
        let stillOpen = try await h.get("/api/v1/alarms?state=open").json["alarms"] as? [[String: Any]] ?? []
        #expect(!stillOpen.contains { ($0["event"] as? [String: Any])?["id"] as? String == id })
        let audit = try await h.get("/api/v1/audit?action=alarm.adjudicate").json["entries"] as? [[String: Any]] ?? []
        #expect(audit.count == 1)
        #expect(audit.first?["target"] as? String == id)
        #expect(audit.first?["detail"] as? String == "referred, secondary requested")
        #expect(audit.first?["role"] as? String == "operator")

        client.cancel()
        try await h.stop()
        pty.close()
    }
}
