import Foundation
import HubAppTesting
import HubDevices
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A vehicle through a lane with a portal monitor on serial and an OCR camera on TCP becomes one
/// `gate.passage` event, which links to its declaration like any event.
@Suite(.timeLimit(.minutes(3)))
struct PassageTests {
    @Test func portalAndCameraReadsBecomeOnePassageLinkedToItsDeclaration() async throws {
        // The camera ahead of the portal reads the container (one character wrong) and the plate,
        // then the truck passes the portal and raises a gamma alarm.
        let (h, pty) = try await Self.alarmedPassage(label: "passage", containerRead: "CSQU3O54383")
        let passage = try #require(try await h.events("kind=gate.passage").first)
        let data = try #require(passage["data"] as? [String: Any])
        #expect(data["gammaAlarm"] as? Bool == true)
        #expect(data["missing"] as? [String] == ["scan"])
        #expect((data["events"] as? [String])?.count == 4, "two reads, the vehicle's start and its occupancy")
        #expect(passage["severity"] as? String == "alarm")
        let subject = try #require(passage["subject"] as? [String: Any])
        #expect(subject["containers"] as? [String] == ["CSQU3054383"], "the repaired read")
        #expect(subject["plates"] as? [String] == ["51C12345"])

        // The declaration arrives later; the passage links to it by container and plate.
        #expect(try await h.post("/api/v1/declarations", DeclarationSamples.doc("400000000001", containers: ["CSQU3054383"])).status == 201)
        let links = try await h.get("/api/v1/declarations/400000000001/links").json["links"] as? [[String: Any]] ?? []
        let passageID = try #require(passage["id"] as? String)
        let passageLinks = links.filter { $0["eventID"] as? String == passageID }
        #expect(Set(passageLinks.compactMap { $0["kind"] as? String }) == ["container", "plate"])

        // From device bytes to the risk system's feed: the gamma alarm makes the green declaration red.
        var item: [String: Any]?
        #expect(await eventually {
            let items = (try? await h.get("/api/v1/feed").json["items"] as? [[String: Any]]) ?? []
            item = items.last { (($0["event"] as? [String: Any])?["data"] as? [String: Any])?["channel"] as? String == "red" }
            return item != nil
        })
        let assessment = try #require((item?["event"] as? [String: Any])?["data"] as? [String: Any])
        #expect(assessment["declaredChannel"] as? String == "green")
        let signals = (assessment["signals"] as? [[String: Any]]) ?? []
        let radiation = signals.first { $0["signal"] as? String == "radiationAlarm" }
        #expect((radiation?["evidence"] as? [String])?.contains(passageID) == true)
        #expect(item?["idempotencyKey"] as? String == (item?["event"] as? [String: Any])?["id"] as? String)
        try await h.stop()
        pty.close()
    }

    /// A hub with a portal monitor (serial) and an OCR camera (TCP) on lane 1, after the camera read
    /// `containerRead` and plate 51C-123.45 and the portal saw a truck with a gamma alarm: one
    /// `gate.passage` is stored. Keep the terminal alive as long as the hub runs.
    static func alarmedPassage(
        label: String, containerRead: String, site: String = "e2e-gate", store: String = HubHarness.sqliteStore,
        adminToken: String? = nil
    ) async throws -> (HubHarness, PseudoTerminal) {
        let h = try await HubHarness(
            label: label,
            devices: HubHarness.serialRPM + "\n  - {id: ocr-lane1, profile: gate-ocr-camera, lane: \"1\", listen: \"127.0.0.1:0\"}",
            siteExtra: "passages: {beforeS: 30, afterS: 1, gapS: 5}", site: site, store: store, adminToken: adminToken)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        #expect(await eventually { (try? await h.boundPort("ocr-lane1")) ?? 0 > 0 })
        let camera = try LoopbackClient(port: try #require(try await h.boundPort("ocr-lane1")))
        try camera.send("OCR,1,,CONTAINER,\(containerRead),93,rear\r\nOCR,1,,PLATE,51C-123.45,88,front\r\n")
        #expect(await eventually { (try? await h.events("kind=ocr.read&site=\(site)").count) == 2 })
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let firstGX = try #require(lines.firstIndex { $0.starts(with: Array("GX,".utf8)) })
        try await pty.play(lines[...firstGX])
        #expect(await eventually(timeout: .seconds(15)) { (try? await h.events("kind=gate.passage&site=\(site)").count) == 1 })
        return (h, pty)
    }
}
