import Foundation
import HubApp
import HubAppTesting
import HubDelivery
import HubModel
import HubTesting
import Testing

/// The uplink's state on the central's national view, from a real gate hub's forwarder.
extension ForwardTests {
    /// A real gate hub with nothing to send tells the central it is alive; what it stores then
    /// reaches the central with the backlog behind it in the envelope.
    @Test(arguments: StoreKind.testable)
    func anIdleGateIsSeenAliveAndItsBatchesCarryTheBacklog(_ kind: StoreKind) async throws {
        let central = try await HubHarness(
            label: "national-uplink-\(kind)", devices: "", siteExtra: NationalScenario.config, site: "central", store: try await kind.siteBlock())
        let dir = try TemporaryDirectory("national-gate")
        _ = try dir.write("central.token", try await central.token("gate", owner: "gate-a") + "\n")
        let gate = try await HubHarness(
            reusing: dir, devices: "",
            siteExtra: #"forward: {url: "http://127.0.0.1:\#(central.port)/api/v1/forwarded", tokenFile: central.token, maxBackoffS: 0.5}"#,
            site: "gate-a")
        let forwarder = try #require(gate.hub.forwarder)
        let operatorToken = try await central.token("operator")
        func gateA() async -> [String: Any]? {
            guard let r = try? await central.get("/api/v1/national", token: operatorToken) else { return nil }
            return NationalScenario.gates(r.json)["gate-a"]
        }
        // Idle from the start: the status report arrives before any batch.
        #expect(await eventually(timeout: .seconds(60)) { forwarder.status.statusReports >= 1 })
        let alive = await gateA()
        // (A gate that stored something at its start sent it first; the count is whatever it sent.)
        #expect(alive?["forwarding"] as? Bool == true && alive?["backlog"] as? Int == 0 && alive?["batches"] as? Int == forwarder.status.batches)
        #expect(alive?["reportedAt"] != nil && alive?["lagS"] as? Double == 0)

        // A scan posted at the gate goes in a batch whose envelope says nothing waits behind it.
        let scan = try await gate.post(
            "/api/v1/scans", ScanSamples.clear.replacingOccurrences(of: "2026-01-31T09:00:00Z", with: Timestamp.format(Date())))
        #expect(scan.status == 201, "\(scan.json)")
        #expect(await eventually(timeout: .seconds(60)) { forwarder.status.batches >= 1 && forwarder.status.backlog == 0 })
        let forwarded = await gateA()
        #expect(forwarded?["batches"] as? Int == forwarder.status.batches && forwarded?["through"] as? Int == Int(forwarder.status.cursor))
        #expect(forwarded?["backlog"] as? Int == 0 && forwarded?["lastBatchAt"] != nil)
        #expect(forwarded?["scansAwaitingReview"] as? Int == 1)
        try await gate.stop()
        try await central.stop()
    }
}
