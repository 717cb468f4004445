import Foundation
import HubAppTesting
import HubImaging
import HubModel
import HubTesting
import Testing

/// Central image review in headless Chromium (`Tests/Browser/review_flow.py`): a green declaration, a
/// 16-bit top view of its container whose automatic detection found nothing, two analysts. The first
/// claims the scan, checks window/level pixel by pixel, marks the dense load and sends it suspect; the
/// second confirms it. Then the declaration is red with the analysts and the region named, and the
/// risk system's feed carries the verdict and the new assessment.
extension BrowserTests {
    static let reviewDeclaration = "800000000077"
    static let reviewContainer = "MSKU9070323"
    /// The dense load in the image (x, y, width, height), uniform so a smoothed pixel keeps its value.
    static let reviewObject = (x: 800, y: 200, width: 300, height: 150)

    /// A 2,000 × 600 16-bit top view as a DICOS file, 6.3 mm a pixel (the container's 1,900 columns
    /// are its 12 m): air bright, the container's walls darker, a dense uniform load.
    static func reviewImage() throws -> [UInt8] {
        let (w, h) = (2000, 600)
        var samples = [UInt16](repeating: 52_000, count: w * h)
        for y in 60..<540 { for x in 50..<1950 { samples[y * w + x] = 30_000 } }
        let o = reviewObject
        for y in o.y..<(o.y + o.height) { for x in o.x..<(o.x + o.width) { samples[y * w + x] = 9_000 } }
        return ScanImageEncoder.dicos(
            ScanImage(width: w, height: h, bitsPerSample: 16, samples: samples, pixelSpacing: PixelSpacing(rowMillimetres: 6.3, columnMillimetres: 6.3)))
    }

    @Test func twoAnalystsJudgeAScanSuspectAndTheDeclarationTurnsRed() async throws {
        let h = try await HubHarness(label: "review-browser", siteExtra: "console: {timeZone: Asia/Ho_Chi_Minh}")
        let password = "image-desk-2026"
        for user in ["lan", "minh"] {
            #expect(try await h.post("/api/v1/users", #"{"user": "\#(user)", "role": "analyst", "password": "\#(password)"}"#).status == 201)
        }
        let declaration = """
            {"number": "\(Self.reviewDeclaration)", "type": "import", "office": "03CE", "site": "e2e-gate",
             "trader": {"tin": "0309876543", "name": "Hai Dang Fertiliser JSC", "aeo": false, "complianceLevel": "high"},
             "containers": ["\(Self.reviewContainer)"], "plates": ["51D-678.90"], "channel": "green",
             "goods": [{"hsCode": "31042000", "description": "Potassium chloride fertiliser", "quantity": 26000, "unit": "KGM"}]}
            """
        #expect(try await h.post("/api/v1/declarations", declaration).status == 201)
        let image = try await h.upload("/api/v1/blobs", bytes: try Self.reviewImage())
        #expect(image.status == 201)
        let sha = try #require(image.json["sha256"] as? String)
        let scan = """
            {"schema": "niihub.scan-result/1", "scanId": "XR-77-\(Int(Date().timeIntervalSince1970))", "scanner": {"id": "xr-lane1", "technology": "x-ray"},
             "site": "e2e-gate", "lane": "1", "startedAt": "\(Timestamp.format(Date()))", "containers": ["\(Self.reviewContainer)"],
             "plate": "51D-678.90", "images": [{"name": "top.dcs", "sha256": "\(sha)", "format": "dicos", "view": "top"}],
             "atd": {"result": "clear", "algorithm": "density-v2"}}
            """
        let posted = try await h.post("/api/v1/scans", scan)
        #expect(posted.status == 201)
        let scanEvent = try #require(posted.json["id"] as? String)
        // Linked to the declaration by its container, and the declaration still green.
        #expect(await eventually(timeout: .seconds(30)) {
            let risk = try? await h.get("/api/v1/declarations/\(Self.reviewDeclaration)/detail").json["risk"] as? [String: Any]
            let links = (try? await h.get("/api/v1/events/\(scanEvent)/links").json["links"] as? [[String: Any]]) ?? []
            return !links.isEmpty && ((risk?["event"] as? [String: Any])?["data"] as? [String: Any])?["channel"] as? String == "green"
        })

        let artifacts = Corpus.repositoryFile("test-artifacts/browser").path
        let o = Self.reviewObject
        let walk = try BrowserWalk.start(
            "review_flow.py",
            ["--url", "http://127.0.0.1:\(h.port)/analysis", "--first=lan", "--second=minh", "--password=\(password)", "--artifacts", artifacts,
             "--scan=\(scanEvent)", "--image-sha=\(sha)", "--container=\(Self.reviewContainer)", "--object=\(o.x),\(o.y),\(o.width),\(o.height)"],
            folder: try TemporaryDirectory("review-browser"))
        let (passed, report) = await walk.finish()
        #expect(passed, "\(report)")
        print("review browser figures: \(report.split(separator: "\n").last ?? "")")

        // The declaration is red, and the signal names both analysts and the region.
        var signal: [String: Any] = [:]
        #expect(await eventually(timeout: .seconds(30)) {
            let risk = try? await h.get("/api/v1/declarations/\(Self.reviewDeclaration)/detail").json["risk"] as? [String: Any]
            let data = (risk?["event"] as? [String: Any])?["data"] as? [String: Any]
            guard data?["channel"] as? String == "red",
                let s = (data?["signals"] as? [[String: Any]])?.first(where: { $0["signal"] as? String == "imageSuspect" })
            else { return false }
            signal = s
            return true
        })
        let detail = signal["detail"] as? String ?? ""
        #expect(detail.contains("lan") && detail.contains("minh") && detail.contains("dense organic mass"), "\(detail)")
        // The risk system's feed carries the red assessment with the analysts' signal.
        let feed = try await h.get("/api/v1/feed?limit=1000").json["items"] as? [[String: Any]] ?? []
        let red = feed.compactMap { ($0["event"] as? [String: Any])?["data"] as? [String: Any] }.last { $0["channel"] as? String == "red" }
        #expect((red?["signals"] as? [[String: Any]])?.contains { $0["signal"] as? String == "imageSuspect" } == true, "\(feed.count) feed items")
        // Both verdicts are stored, the second final and by the second analyst.
        let verdicts = try await h.events("kind=\(EventKind.scanVerdict)").compactMap { $0["data"] as? [String: Any] }
        #expect(verdicts.count == 2 && verdicts.last?["final"] as? Bool == true && verdicts.last?["by"] as? String == "minh", "\(verdicts)")
        // Each analyst's region, drawn with the mouse, encloses the dense load.
        for v in verdicts {
            let r = try #require((v["regions"] as? [[String: Any]])?.first)
            let (x, y, w, hh) = (r["x"] as? Double ?? -1, r["y"] as? Double ?? -1, r["width"] as? Double ?? 0, r["height"] as? Double ?? 0)
            #expect(x <= Double(o.x) + 5 && y <= Double(o.y) + 5 && x + w >= Double(o.x + o.width) - 5 && y + hh >= Double(o.y + o.height) - 5, "\(r)")
        }
        for shot in ["r1-queue.png", "r2-claimed.png", "r3-window-level.png", "r4-region-marked.png", "r5-suspect-sent.png",
                     "r6-confirmed.png", "r7-declaration-red.png"] {
            #expect(FileManager.default.fileExists(atPath: artifacts + "/" + shot), "\(shot)")
        }
        try await h.stop()
    }
}
