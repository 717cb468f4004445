import Crypto
import Foundation
import HubApp
import HubAppTesting
import HubDelivery
import HubDevices
import HubDrivers
import HubImaging
import HubSite
import HubModel
import HubServer
import HubStore
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Store-and-forward: a gate hub reading a portal monitor forwards everything it stores to a
/// central hub through a link the test cuts and restores mid-stream.
@Suite(.timeLimit(.minutes(8)))
struct ForwardTests {
    @Test func everyEventArrivesOnceAndInOrderAcrossCutLinks() async throws {
        let central = try await HubHarness(label: "central", devices: "", site: "central")
        let gateToken = try await central.token("gate", owner: "gate-a")
        let proxy = try await LinkProxy(upstream: central.port)
        let dir = try TemporaryDirectory("gate")
        _ = try dir.write("central.token", gateToken + "\n")
        let gate = try await HubHarness(
            reusing: dir,
            siteExtra: """
                forward: {url: "http://127.0.0.1:\(proxy.port)/api/v1/forwarded", tokenFile: central.token, batch: 5, maxBackoffS: 0.5}
                passages: {beforeS: 30, afterS: 1, gapS: 5}
                """, site: "gate-a")
        let forwarder = try #require(gate.hub.forwarder)
        let pty = try PseudoTerminal()
        try pty.link(at: gate.devicePath)
        #expect(await eventually { (try? await gate.device("rpm-lane1")["state"] as? String) == "online" })

        // The monitor streams its whole capture while the link is cut, restored, and made to lose answers.
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let player = Task { try await pty.play(lines[...], perBurst: 20, pause: .milliseconds(20)) }
        #expect(await eventually(timeout: .seconds(120)) { forwarder.status.events >= 10 })
        await proxy.cut()
        let sentBeforeCut = forwarder.status.events
        #expect(await eventually(timeout: .seconds(120)) { forwarder.status.failures >= 3 && forwarder.status.backlog >= 10 })
        let backlogWhileDown = forwarder.status.backlog
        // Back up, but the first batch's answer is lost: the central stores it, the gate never hears.
        proxy.mode = .dropAnswers
        try await proxy.restore()
        #expect(await eventually(timeout: .seconds(120)) { proxy.droppedAnswers >= 1 })
        proxy.mode = .pass
        #expect(await eventually(timeout: .seconds(120)) { forwarder.status.events > sentBeforeCut + 10 })
        try await player.value
        let forwardedAtStreamEnd = forwarder.status.events

        // Everything the gate holds reaches the central: the same events, in the same order, each once.
        let gateStore = try SQLiteEventStore(path: gate.hub.config.storePath)
        let centralStore = try SQLiteEventStore(path: central.hub.config.storePath)
        func ids(_ store: SQLiteEventStore) async throws -> [String] {
            try await store.storedEvents(after: 0, limit: 1_000_000).map { try Self.id(of: $0.body) }
        }
        // Compared as one snapshot once they agree: the gate keeps storing (status, passages) meanwhile.
        var gateIDs: [String] = []
        var centralIDs: [String] = []
        var counted = (gate: -1, central: -2)
        let caughtUp = await eventually(timeout: .seconds(180)) {
            guard let g = try? await ids(gateStore), let c = try? await ids(centralStore),
                let gn = try? await gateStore.counts().events, let cn = try? await centralStore.counts().events
            else { return false }
            (gateIDs, centralIDs, counted) = (g, c, (gn, cn))
            return forwarder.status.backlog == 0 && g == c && gn == cn
        }
        #expect(caughtUp)
        #expect(centralIDs == gateIDs, "central \(centralIDs.count) events, gate \(gateIDs.count)")
        #expect(Set(centralIDs).count == centralIDs.count)
        #expect(counted.central == counted.gate)
        #expect(try await gate.events("kind=radiation.occupancy&limit=100").count == 25)

        // The cut and the lost answer really happened, and the resend was taken once.
        let s = forwarder.status
        #expect(s.failures >= 3 && backlogWhileDown > 0)
        #expect(proxy.droppedAnswers >= 1)
        #expect(s.alreadyHad >= 1, "the batch whose answer was lost came again and was not stored twice")

        // Each event's raw record arrived with the same bytes.
        var shas: Set<String> = []
        for e in try await gateStore.storedEvents(after: 0, limit: 1_000_000) where shas.insert(e.rawSHA256).inserted {
            let here = try await gateStore.rawRecords(sha256: e.rawSHA256).first?.bytes
            let there = try await centralStore.rawRecords(sha256: e.rawSHA256)
            #expect(there.count == 1 && there.first?.bytes == here, "raw \(e.rawSHA256)")
        }

        // The central's analysts see the gate's events and passages under the gate's site.
        let analyst = try await central.token("analyst")
        let occupancies = try await central.get("/api/v1/events?site=gate-a&kind=radiation.occupancy&limit=100", token: analyst)
        #expect((occupancies.json["events"] as? [[String: Any]])?.count == 25)
        let passageIDs = { (r: (status: Int, json: [String: Any])) in
            (r.json["passages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        // A passage may still close on the gate after the snapshot; it follows.
        let samePassages = await eventually(timeout: .seconds(60)) {
            guard let there = try? await central.get("/api/v1/passages?site=gate-a&limit=1000", token: analyst),
                let here = try? await gate.get("/api/v1/passages?site=gate-a&limit=1000")
            else { return false }
            return !passageIDs(here).isEmpty && passageIDs(there) == passageIDs(here)
        }
        #expect(samePassages)
        // A gate token may forward and do nothing else.
        #expect(try await central.get("/api/v1/events", token: gateToken).status == 403)
        let forwardMetrics = try await gate.request("GET", "/metrics").text
        #expect(forwardMetrics.contains("niihub_forward_backlog_events") && forwardMetrics.contains("niihub_forward_failures_total"))

        print(
            "forward: \(gateIDs.count) events (\(s.batches) batches); \(sentBeforeCut) sent before the cut, backlog \(backlogWhileDown) while down, \(forwardedAtStreamEnd) by the end of the stream; \(s.failures) failed attempts, \(proxy.droppedAnswers) answers lost, \(s.alreadyHad) events resent and kept once"
        )
        // The hub first, then its port's other end (as the other suites do).
        try await gate.stop()
        pty.close()
        try await central.stop()
        await proxy.cut()
    }

    @Test func theCentralRefusesABatchThatSkipsEventsOrLies() async throws {
        let central = try await HubHarness(label: "central-checks", devices: "", site: "central")
        let token = try await central.token("gate", owner: "gate-b")
        let bytes = Array("GB,000123,000456,000789,000012\r\n".utf8)
        let record = RawRecord(
            sha256: Hex.encode(SHA256.hash(data: bytes)), format: "rapiscan-line", deviceID: "rpm-lane1", firstReceivedAt: Date(),
            receivedAt: Date(), frameCount: 1, bytes: bytes)
        let event = InspectionEvent(
            id: EventIDGenerator().next(at: Date()), kind: "radiation.background",
            device: DeviceRef(id: "rpm-lane1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate-b", lane: "1",
            observedAt: Date(), receivedAt: Date(), data: ["gammaCps": .double(123)], severity: .info, raw: record.ref)
        func batch(after: Int, first: Int, raw: ForwardedRawRecord) throws -> String {
            let rawJSON = String(decoding: try JSONEncoder().encode([raw]), as: UTF8.self)
            return #"{"source":"gate-b","after":\#(after),"first":\#(first),"last":\#(first),"raw":\#(rawJSON),"events":[\#(try event.jsonLine())]}"#
        }
        // A batch that starts after events the central never got: 409, and where to resume.
        let gap = try await central.post("/api/v1/forwarded", try batch(after: 7, first: 8, raw: ForwardedRawRecord(record)), token: token)
        #expect(gap.status == 409 && gap.json["through"] as? Int == 0)
        // Raw bytes that do not match their hash: 400 naming the field.
        var forged = ForwardedRawRecord(record)
        forged.bytes = Data("GB,999999".utf8).base64EncodedString()
        let lie = try await central.post("/api/v1/forwarded", try batch(after: 0, first: 1, raw: forged), token: token)
        #expect(lie.status == 400 && lie.json["field"] as? String == "raw.0.sha256")
        let missing = try await central.post("/api/v1/forwarded", #"{"source":"gate-b","after":0}"#, token: token)
        #expect(missing.status == 400 && missing.json["field"] as? String == "first")
        let notAnEvent = try await central.post(
            "/api/v1/forwarded", #"{"source":"gate-b","after":0,"first":1,"last":1,"raw":[],"events":[{}]}"#, token: token)
        #expect(notAnEvent.status == 400 && notAnEvent.json["field"] as? String == "events.0.id")
        // The good batch twice: stored once, the second answer says it was already there.
        let good = try batch(after: 0, first: 1, raw: ForwardedRawRecord(record))
        let once = try await central.post("/api/v1/forwarded", good, token: token)
        let twice = try await central.post("/api/v1/forwarded", good, token: token)
        #expect(once.status == 200 && once.json["stored"] as? Int == 1 && once.json["rawStored"] as? Int == 1)
        #expect(twice.status == 200 && twice.json["stored"] as? Int == 0 && twice.json["alreadyHad"] as? Int == 1)
        #expect(twice.json["through"] as? Int == 1)
        #expect(try await central.events("site=gate-b").count == 1)
        // An operator may not forward.
        let op = try await central.token("operator")
        #expect(try await central.post("/api/v1/forwarded", good, token: op).status == 403)
        // A gate forwards for its own site only: not as another gate, nor another site's events in its batch.
        let other = try await central.token("gate", owner: "gate-z")
        let asAnother = try await central.post("/api/v1/forwarded", good, token: other)
        #expect(asAnother.status == 403 && asAnother.json["field"] as? String == "source")
        let smuggled = good.replacingOccurrences(of: #""source":"gate-b""#, with: #""source":"gate-z""#)
        let carried = try await central.post("/api/v1/forwarded", smuggled, token: other)
        #expect(carried.status == 403 && carried.json["field"] as? String == "events.0.site")
        #expect(try await central.events("site=gate-z").isEmpty)
        // A gate token is issued for a site, or not at all.
        #expect(try await central.post("/api/v1/tokens", #"{"role": "gate", "label": "no site"}"#).json["field"] as? String == "owner")
        try await central.stop()
    }

    /// A central restored from an older backup holds less than the gate believes it sent: the gate
    /// is told where the central stands and sends again from there.
    @Test func aGateResendsWhatACentralLost() async throws {
        let dir = try TemporaryDirectory("gate-rewind")
        let first = try await HubHarness(reusing: dir, site: "gate-c")
        let pty = try PseudoTerminal()
        try pty.link(at: first.devicePath)
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        try await pty.play(lines[..<3000])
        #expect(await eventually { (try? await first.events("kind=radiation.occupancy").count) ?? 0 >= 3 })
        try await first.stop()
        pty.close()
        // Unplugged for good: the gate below runs on this folder, and a link left to the closed
        // terminal would name the next pseudo-terminal any other test opens (numbers are reused at once).
        try FileManager.default.removeItem(atPath: first.devicePath)
        // As if all of it had gone to a central that has since lost it.
        let store = try SQLiteEventStore(path: first.hub.config.storePath)
        let held = try await store.storedEvents(after: 0, limit: 100_000)
        try await store.setFeedCursor(ForwarderService.consumer, String(held.last!.seq))

        let central = try await HubHarness(label: "central-restored", devices: "", site: "central")
        try dir.write("central.token", try await central.token("gate", owner: "gate-c"))
        let gate = try await HubHarness(
            reusing: dir,
            siteExtra: "forward: {url: \"http://127.0.0.1:\(central.port)/api/v1/forwarded\", tokenFile: central.token, maxBackoffS: 0.5}",
            site: "gate-c")
        let forwarder = try #require(gate.hub.forwarder)
        let centralStore = try SQLiteEventStore(path: central.hub.config.storePath)
        let arrived = await eventually(timeout: .seconds(120)) {
            let there = (try? await centralStore.storedEvents(after: 0, limit: 100_000).map { try Self.id(of: $0.body) }) ?? []
            return there.count >= held.count && forwarder.status.backlog == 0
        }
        #expect(arrived)
        let here = try await store.storedEvents(after: 0, limit: 100_000).map { try Self.id(of: $0.body) }
        let there = try await centralStore.storedEvents(after: 0, limit: 100_000).map { try Self.id(of: $0.body) }
        #expect(there == here && forwarder.status.gaps == 1, "\(there.count) of \(here.count), gaps \(forwarder.status.gaps)")
        try await gate.stop()
        try await central.stop()
    }

    /// A gate's scan reaches the central with its image: the image goes ahead of the batch, so the
    /// central's review queue never shows a scan whose image it lacks; the central serves its tiles.
    /// An image whose bytes are not the named hash is refused.
    @Test func aGatesScanImageReachesTheCentralAheadOfTheScan() async throws {
        let central = try await HubHarness(label: "central-images", devices: "", site: "central")
        let gateToken = try await central.token("gate", owner: "gate-b")
        let dir = try TemporaryDirectory("gate-images")
        _ = try dir.write("central.token", gateToken + "\n")
        let gate = try await HubHarness(
            reusing: dir, devices: #"  - {id: scanner-lane1, profile: container-scanner, lane: "1", folder: scans}"#,
            siteExtra: #"forward: {url: "http://127.0.0.1:\#(central.port)/api/v1/forwarded", tokenFile: central.token, batch: 5, maxBackoffS: 0.5}"#,
            site: "gate-b")
        #expect(await eventually { FileManager.default.fileExists(atPath: dir.path("scans/processed")) })
        let image = ScanImageEncoder.pgm(ScanImage(width: 300, height: 100, bitsPerSample: 16, samples: (0..<30_000).map { UInt16($0 % 60_000) }))
        let sha = SHA256.hash(data: image).map { String(format: "%02x", $0) }.joined()
        try Data(image).write(to: URL(fileURLWithPath: dir.path("scans/XR-9-top.pgm")))
        let doc = ScanResultWriter.json(ScanResultWriter.Scan(
            scanID: "XR-9", scannerID: "xr-lane1", lane: "1", startedAt: Date(), durationS: 30, containers: ["MSKU9070323"], plate: nil,
            images: [(name: "XR-9-top.pgm", sha256: sha, bytes: image.count)], suspect: false))
        try Data(doc).write(to: URL(fileURLWithPath: dir.path("scans/XR-9.json.tmp")))
        try FileManager.default.moveItem(atPath: dir.path("scans/XR-9.json.tmp"), toPath: dir.path("scans/XR-9.json"))

        #expect(await eventually(timeout: .seconds(60)) { (try? await central.events("kind=scan.result").count) == 1 })
        let info = try await central.get("/api/v1/images/\(sha)")
        #expect(info.status == 200 && info.json["width"] as? Int == 300, "the image was there when the scan was")
        #expect(try #require(gate.hub.forwarder).status.images == 1)
        // Bytes that are not the named image are not kept under its name.
        let wrong = String(repeating: "d", count: 64)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(central.port)/api/v1/forwarded/blobs/\(wrong)")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(gateToken)", forHTTPHeaderField: "Authorization")
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("not that image".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 400)
        #expect(try await central.get("/api/v1/blobs/\(wrong)").status == 404)
        try await gate.stop()
        try await central.stop()
    }

    static func id(of body: String) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return json?["id"] as? String ?? ""
    }
}
