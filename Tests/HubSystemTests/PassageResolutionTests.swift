import Foundation
import HubAppTesting
import HubDevices
import HubModel
import HubTesting
import Testing

/// A read the hub cannot place between two trucks, through real devices: a camera only 3 m before
/// the portal reads a plate 0.1 s before a truck enters (within the clocks' tolerance), so either
/// the entering truck (which alarms) or the one behind it may carry it. Both passages hold it and
/// say so; the declaration that names the plate is red; an operator resolves it to the truck
/// behind, and the declaration goes back to green.
@Suite(.timeLimit(.minutes(2)))
struct PassageResolutionTests {
    static let background = "GB,000380,000380,000380,000380\r\n"
    static let scan = "GS,000064,000064,000064,000064\r\n"
    static let alarm = "GA,000250,000250,000250,000250\r\n"

    @Test func anAmbiguousReadIsHeldByBothTrucksUntilAnOperatorResolvesIt() async throws {
        let lane = try await PortalAndCamera.start(
            label: "resolve", camera: ", position: -3", passages: "{beforeS: 30, afterS: 1, gapS: 5, clockToleranceS: 0.5}")
        let (h, pty, camera) = (lane.hub, lane.pty, lane.camera)
        func write(_ text: String) { lane.write(text) }
        func starts() async -> [[String: Any]] { (try? await h.events("kind=radiation.occupancy-start")) ?? [] }

        // Truck A enters; the camera's read is stamped 0.1 s before that entry.
        write(Self.background + Self.scan)
        #expect(await eventually { await starts().count == 1 })
        let entryText = await starts().first?["observedAt"] as? String
        let entryA = try #require(entryText.flatMap(Timestamp.parse))
        let readAt = Timestamp.format(entryA.addingTimeInterval(-0.1))
        try camera.send("OCR,1,\(readAt),PLATE,51C-777.77,90,front\r\n")
        // Truck A leaves and truck B noses in at once: nothing is awaited between them, since the hub
        // stamps their entries as it reads them and a loaded machine must not space the trucks apart.
        write(Self.alarm + Self.alarm + Self.scan + "GX,000001,001200,000000,000000\r\n" + Self.scan)
        #expect(await eventually { await starts().count == 2 })
        write(Self.scan + "GX,000002,001200,000000,000000\r\n")
        #expect(await eventually { (try? await h.events("kind=ocr.read").count) == 1 })
        let read = try #require(try await h.events("kind=ocr.read").first?["id"] as? String)
        #expect(await eventually(timeout: .seconds(20)) { (try? await h.events("kind=gate.passage").count) == 2 })

        let passages = try await h.events("kind=gate.passage")
        for p in passages {
            let data = try #require(p["data"] as? [String: Any])
            #expect(data["ambiguous"] as? Bool == true)
            let a = try #require((data["ambiguities"] as? [[String: Any]])?.first)
            #expect(a["event"] as? String == read)
            #expect((a["candidates"] as? [String])?.count == 2)
            #expect((p["subject"] as? [String: Any])?["plates"] as? [String] == ["51C77777"])
        }
        let alarmed = try #require(passages.first { ($0["data"] as? [String: Any])?["gammaAlarm"] as? Bool == true })
        let behind = try #require(passages.first { ($0["data"] as? [String: Any])?["gammaAlarm"] as? Bool == false })
        let behindPassage = try #require((behind["data"] as? [String: Any])?["passage"] as? String)

        // The declaration naming the plate: red while the alarmed truck may be carrying it.
        #expect(try await h.post("/api/v1/declarations", DeclarationSamples.doc("400000000077", containers: [], plate: "51C-777.77")).status == 201)
        #expect(await eventually { await Self.channel(h, "400000000077") == "red" })

        // An operator looks at the images and says the plate is the truck behind's.
        let operatorToken = try await h.token("operator")
        #expect(try await h.post("/api/v1/passages/\(behindPassage)/resolve", #"{"event": "nope"}"#, token: operatorToken).status == 404)
        #expect(try await h.post("/api/v1/passages/\(behindPassage)/resolve", #"{"evt": 1}"#, token: operatorToken).status == 400)
        let r = try await h.post("/api/v1/passages/\(behindPassage)/resolve", #"{"event": "\#(read)"}"#, token: operatorToken)
        #expect(r.status == 200)
        #expect((r.json["revisions"] as? [String])?.count == 2)
        #expect(await eventually { await Self.channel(h, "400000000077") == "green" })

        // The analyst's search shows the newest revision of each: the plate on the truck behind only.
        let rows = try await h.get("/api/v1/passages").json["passages"] as? [[String: Any]] ?? []
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0["ambiguous"] as? Bool == false && $0["revision"] as? Int == 2 })
        #expect(rows.first { $0["passage"] as? String == behindPassage }?["plates"] as? [String] == ["51C77777"])
        #expect(rows.first { $0["passage"] as? String == (alarmed["data"] as? [String: Any])?["passage"] as? String }?["plates"] as? [String] == [])
        let audit = try await h.get("/api/v1/audit?action=passage.resolve").json["entries"] as? [[String: Any]] ?? []
        #expect(audit.count == 1)
        try await h.stop()
        pty.close()
    }

    /// The channel of the declaration's latest assessment in the feed.
    static func channel(_ h: HubHarness, _ number: String) async -> String? {
        let items = (try? await h.get("/api/v1/feed?limit=1000").json["items"] as? [[String: Any]]) ?? []
        let last = items.compactMap { $0["event"] as? [String: Any] }.last {
            ($0["subject"] as? [String: Any])?["declaration"] as? String == number
        }
        return (last?["data"] as? [String: Any])?["channel"] as? String
    }
}

/// A served hub with the serial portal monitor of lane 1 on a pseudo-terminal (online) and a gate
/// camera on loopback TCP (connected): the lane that passage tests play trucks through.
struct PortalAndCamera {
    let hub: HubHarness
    let pty: PseudoTerminal
    let camera: LoopbackClient

    /// Bytes from the portal monitor.
    func write(_ text: String) { _ = pty.write(Array(text.utf8)) }

    /// `camera`: more of the camera's device entry (`, position: -3`); `passages`: the site's
    /// `passages:` settings; `siteExtra`: more sections of the site config.
    static func start(label: String, camera: String = "", passages: String, siteExtra: String = "") async throws -> PortalAndCamera {
        let h = try await HubHarness(
            label: label,
            devices: HubHarness.serialRPM + "\n  - {id: ocr-lane1, profile: gate-ocr-camera, lane: \"1\"\(camera), listen: \"127.0.0.1:0\"}",
            siteExtra: "passages: \(passages)" + (siteExtra.isEmpty ? "" : "\n" + siteExtra))
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        #expect(await eventually { (try? await h.boundPort("ocr-lane1")) ?? 0 > 0 })
        return PortalAndCamera(hub: h, pty: pty, camera: try LoopbackClient(port: try #require(try await h.boundPort("ocr-lane1"))))
    }
}
