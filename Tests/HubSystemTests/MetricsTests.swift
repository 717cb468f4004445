import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Synchronization
import Testing

/// `GET /metrics` in Prometheus text, moving as a device sends.
@Suite(.timeLimit(.minutes(4)))
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

    /// Queue depths for every stage (drained once the traffic is dealt with), the correlation latency
    /// histogram counting each assessed item, and the feed's lag per consumer: a webhook that refuses
    /// everything and a reader that pulled one item.
    @Test func queuesCorrelationLatencyAndFeedLag() async throws {
        let receiver = try await WebhookReceiver(refuseFirst: 1_000_000)
        let h = try await HubHarness(
            label: "metrics-feed", siteExtra: "feed: {webhook: \"http://127.0.0.1:\(receiver.port)/feed\"}")
        let risk = [#"stage="risk""#]
        let before = try await h.request("GET", "/metrics").text
        let assessedBefore = Self.sample(before, "niihub_correlation_seconds_count", risk) ?? 0
        for (i, container) in ["CSQU3054383", "MSKU9070323", "TGHU1234567"].enumerated() {
            let r = try await h.post("/api/v1/declarations", DeclarationSamples.doc("81000000000\(i)", containers: [container]))
            #expect(r.status == 201)
        }
        #expect(await eventually(timeout: .seconds(90)) {
            ((try? await h.get("/api/v1/feed").json["items"] as? [[String: Any]])?.count ?? 0) == 3
        })
        // The webhook refused all three; the oldest has waited since it was stored, so its age grows
        // with the clock (waited for, not slept for).
        #expect(await eventually { receiver.received.withLock { $0.count } >= 1 }, "the webhook was tried")
        let webhook = [#"consumer="webhook""#]
        var lagged = ""
        #expect(await eventually {
            lagged = (try? await h.request("GET", "/metrics").text) ?? ""
            return (Self.sample(lagged, "niihub_feed_oldest_undelivered_seconds", webhook) ?? 0) >= 0.3
        }, "the oldest item's age grows while it waits")
        #expect(Self.sample(lagged, "niihub_feed_undelivered", webhook) == 3)

        // A reader that pulled one item has two to go.
        let me = try #require(try await h.get("/api/v1/whoami").json["name"] as? String)
        #expect((try await h.get("/api/v1/feed?limit=1").json["items"] as? [[String: Any]])?.count == 1)
        let pulled = try await h.request("GET", "/metrics").text
        #expect(Self.sample(pulled, "niihub_feed_undelivered", ["consumer=\"pull:\(me)\""]) == 2)

        // Every declaration change was assessed: counted in the latency histogram, queues drained.
        #expect(await eventually(timeout: .seconds(90)) {
            let text = (try? await h.request("GET", "/metrics").text) ?? ""
            return ["store_commit", "passages", "transits", "risk", "live"].allSatisfy {
                Self.sample(text, "niihub_queue_depth", ["queue=\"\($0)\""]) == 0
            }
        })
        let after = try await h.request("GET", "/metrics").text
        #expect((Self.sample(after, "niihub_correlation_seconds_count", risk) ?? 0) >= assessedBefore + 3)
        #expect((Self.sample(after, "niihub_correlation_seconds_sum", risk) ?? 0) > 0)
        try await h.stop()
        try await receiver.stop()
    }
}
