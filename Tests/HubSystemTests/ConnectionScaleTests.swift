import Foundation
import HubAppTesting
import HubTesting
import Testing

/// Ten thousand devices connected at once over loopback, from a separate process (`niisim tcp-flood`),
/// each reporting one occupancy that must be stored.
@Suite(.timeLimit(.minutes(3)))
struct ConnectionScaleTests {
    @Test func tenThousandConcurrentDeviceConnections() async throws {
        let h = try await HubHarness(
            label: "scale",
            devices: "  - {id: rpm-tcp, profile: rpm-tcp, lane: \"9\", listen: \"127.0.0.1:0\"}",
            profiles: ["rpm-tcp.yaml": RapiscanFeed.profile("rpm-tcp", transport: "  kind: tcp")])
        #expect(await eventually { (try? await h.boundPort("rpm-tcp")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("rpm-tcp"))
        let sim = Process()
        sim.executableURL = CommandLineTests.niihub.deletingLastPathComponent().appendingPathComponent("niisim")
        sim.arguments = ["tcp-flood", "--port", "\(port)", "--connections", "10000", "--hold", "20"]
        let out = Pipe()
        sim.standardOutput = out
        try sim.run()
        var peak = 0
        let allOpen = await eventually(timeout: .seconds(90), every: .milliseconds(200)) {
            peak = max(peak, (try? await h.device("rpm-tcp")["connections"] as? Int) ?? 0)
            return peak == 10_000
        }
        #expect(allOpen, "peak \(peak) concurrent connections")
        var stored = 0
        let allStored = await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
            stored = (try? await Self.count(h, kind: "radiation.occupancy")) ?? 0
            return stored == 10_000
        }
        #expect(allStored, "\(stored) occupancies stored")
        sim.terminate()
        sim.waitUntilExit()
        #expect(await eventually(timeout: .seconds(30)) { (try? await h.device("rpm-tcp")["connections"] as? Int) == 0 })
        try await h.stop()
    }

    static func count(_ h: HubHarness, kind: String) async throws -> Int {
        var n = 0
        var cursor: String?
        repeat {
            let page = try await h.get("/api/v1/events?kind=\(kind)&limit=1000" + (cursor.map { "&cursor=\($0)" } ?? ""))
            n += (page.json["events"] as? [Any])?.count ?? 0
            cursor = page.json["next"] as? String
        } while cursor != nil
        return n
    }
}
