import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Testing

/// Device states driven by heartbeats, the device's own fault and tamper codes, and the link, each
/// change stored as a `device.status` event.
@Suite(.timeLimit(.minutes(3)))
struct DeviceHealthTests {
    @Test func silenceFaultsAndTamperMoveTheStateAndEachChangeIsAnEvent() async throws {
        let fastHeartbeat = try RapiscanFeed.quickSilenceProfile("rpm-fast", maxSilenceS: 3)
        let h = try await HubHarness(
            label: "health", devices: "  - {id: rpm-lane1, profile: rpm-fast, lane: \"1\", port: rpm-lane1}",
            profiles: ["rpm-fast.yaml": fastHeartbeat])
        func state() async -> String? { try? await h.device("rpm-lane1")["state"] as? String }
        #expect(await eventually { await state() == "offline" }, "no port yet")
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)

        #expect(await eventually { await state() == "online" })
        // Nothing for longer than its `maxSilenceS`: silent. Bytes again: online.
        #expect(await eventually { await state() == "silent" })
        pty.write(Array("GB,000400,000400,000400,000400\r\n".utf8))
        #expect(await eventually { await state() == "online" })
        // A gamma-high fault, then its end (background again).
        pty.write(Array("GH,009000,009000,009000,009000\r\n".utf8))
        #expect(await eventually { await state() == "faulted" })
        #expect((try await h.device("rpm-lane1")["activeFaults"] as? [String]) == ["gamma-high"])
        pty.write(Array("GB,000400,000400,000400,000400\r\n".utf8))
        #expect(await eventually { await state() == "online" })
        // The cabinet opened and closed.
        pty.write(Array("TT,1\r\n".utf8))
        #expect(await eventually { await state() == "tampered" })
        pty.write(Array("TC,0\r\n".utf8))
        #expect(await eventually { await state() == "online" })
        // Unplugged.
        pty.close()
        try FileManager.default.removeItem(atPath: h.devicePath)
        #expect(await eventually { await state() == "offline" })

        let states = try await h.states("rpm-lane1")
        // The hub started before the port existed: offline first, then online when it appeared.
        #expect(states == ["offline", "online", "silent", "online", "faulted", "online", "tampered", "online", "offline"])
        let events = try await h.events("kind=device.status&device=rpm-lane1")
        let tampered = try #require(events.first { ($0["data"] as? [String: Any])?["state"] as? String == "tampered" })
        #expect(tampered["severity"] as? String == "alarm")
        #expect((tampered["data"] as? [String: Any])?["previous"] as? String == "online")
        let raw = (tampered["raw"] as? [String: Any])?["sha256"] as? String
        #expect(try await h.get("/api/v1/raw/\(raw ?? "")").json["format"] as? String == "niihub-status")
        try await h.stop()
    }
}
