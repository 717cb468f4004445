import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubServer
import HubStore
import HubTesting
import HummingbirdWSClient
import Testing

/// A portal monitor on a real pseudo-terminal that talks, then stops talking without closing its
/// port: past its profile's `maxSilenceS` the hub reports it `silent` (an operator alarm on the live
/// feed and in the alarm list, a stored `device.status` event, not counted as online), and once it
/// talks again it is back online.
@Suite(.timeLimit(.minutes(3)))
struct SilentDeviceTests {
    static let background = Array("GB,000400,000400,000400,000400\r\n".utf8)

    @Test func aMonitorThatStopsTalkingIsAnAlarmAndUnavailableUntilItTalksAgain() async throws {
        // Its background every second, and two seconds of silence allowed.
        let quick = try RapiscanFeed.quickSilenceProfile("rpm-quick", maxSilenceS: 2)
        let h = try await HubHarness(
            label: "silent", devices: "  - {id: rpm-lane1, profile: rpm-quick, lane: \"1\", port: rpm-lane1}",
            profiles: ["rpm-quick.yaml": quick])
        func row() async -> [String: Any] { (try? await h.device("rpm-lane1")) ?? [:] }
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { await row()["state"] as? String == "online" })
        #expect(await row()["maxSilenceS"] as? Double == 2)

        // An operator's console is open.
        let (texts, client) = h.liveTexts(token: try await h.token("operator"))
        let frames = texts.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(await eventually { h.hub.live.count == 1 })

        // It talks, then says nothing more; its port stays open.
        pty.write(Self.background)
        #expect(await eventually { await row()["lastFrameAt"] != nil })
        #expect(await eventually { await row()["state"] as? String == "silent" })
        let silentRow = await row()
        #expect(silentRow["link"] as? String == "up" && silentRow["reason"] as? String == "silent for more than 2 s")

        // The console hears the alarm.
        var heard: [String: Any]?
        for await frame in frames {
            guard let e = frame["event"] as? [String: Any], e["kind"] as? String == "device.status",
                (e["data"] as? [String: Any])?["state"] as? String == "silent"
            else { continue }
            heard = e
            break
        }
        let alarm = try #require(heard)
        #expect(alarm["severity"] as? String == "alarm")
        #expect((alarm["device"] as? [String: Any])?["id"] as? String == "rpm-lane1")
        #expect((alarm["data"] as? [String: Any])?["previous"] as? String == "online")
        let id = try #require(alarm["id"] as? String)

        // Stored, in the operators' alarm list, and acknowledged like any alarm.
        let stored = try await h.events("kind=device.status&device=rpm-lane1")
        #expect(stored.contains { $0["id"] as? String == id && $0["severity"] as? String == "alarm" })
        let open = try await h.get("/api/v1/alarms?state=open").json["alarms"] as? [[String: Any]] ?? []
        #expect(open.contains { ($0["event"] as? [String: Any])?["id"] as? String == id })
        #expect(try await h.post("/api/v1/alarms/\(id)/acknowledgement", "{}", token: try await h.token("operator")).status == 201)

        // Not available: the health check counts it silent, and the national figures (from the
        // stored `device.status` events) count it as reporting but not online.
        #expect((try await h.get("/healthz").json["devices"] as? [String: Any])?["silent"] as? Int == 1)
        let store = try #require(h.hub.store as? SQLiteEventStore)
        let gate = try await store.nationalFigures(now: Date()).first { $0.site == "e2e-gate" }
        #expect(gate?.devicesReporting == 1 && gate?.devicesOnline == 0)

        // It talks again, its background every few hundred milliseconds as a monitor does: online,
        // and the figures count it.
        let talking = Task {
            while !Task.isCancelled {
                pty.write(Self.background, timeoutMs: 0)
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(await eventually { await row()["state"] as? String == "online" })
        let states = try await h.states("rpm-lane1")
        #expect(states.suffix(2) == ["silent", "online"], "\(states)")
        #expect(await eventually {
            (try? await store.nationalFigures(now: Date()).first { $0.site == "e2e-gate" })?.devicesOnline == 1
        })
        talking.cancel()

        client.cancel()
        pty.close()
        try await h.stop()
    }
}
