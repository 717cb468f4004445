import Foundation
import HubDevices
import HubTesting
import Testing

/// `GET /metrics` in Prometheus text, moving as a device sends.
@Suite(.timeLimit(.minutes(2)))
struct MetricsTests {
    /// The value of the sample whose name and labels contain every part of `parts`, else nil.
    static func sample(_ text: String, _ name: String, _ parts: [String]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard parts.allSatisfy({ line.contains($0) }), let value = line.split(separator: " ").last else { continue }
            return Double(value)
        }
        return nil
    }

    @Test func countersMoveWhenADeviceSends() async throws {
        let h = try await HubHarness(
            label: "metrics",
            devices: """
                  - id: rpm-metrics
                    profile: rapiscan-rpm
                    lane: "9"
                    port: rpm-lane1
                """)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-metrics")["state"] as? String) == "online" })
        let device = [#"device="rpm-metrics""#, #"protocol="rpm""#]
        let before = try await h.request("GET", "/metrics")
        #expect(before.status == 200)
        let commitsBefore = Self.sample(before.text, "niihub_store_commits_total", []) ?? 0

        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv").prefix(400)
        try await pty.play(lines)
        #expect(await eventually {
            let text = (try? await h.request("GET", "/metrics").text) ?? ""
            return Self.sample(text, "niihub_frames_total", device) == 400
        })
        let after = try await h.request("GET", "/metrics").text
        #expect((Self.sample(after, "niihub_events_total", device) ?? 0) > 0)
        #expect(Self.sample(after, "niihub_rejects_total", device) == 0)
        #expect((Self.sample(after, "niihub_store_commits_total", []) ?? 0) > commitsBefore)
        #expect(after.contains("niihub_store_commit_seconds"))
        #expect(Self.sample(after, "niihub_device_connections", [#"device="rpm-metrics""#]) != nil)
        #expect(Self.sample(after, "niihub_devices", [#"state="online""#]) != nil)
        try await h.stop()
        pty.close()
    }
}
