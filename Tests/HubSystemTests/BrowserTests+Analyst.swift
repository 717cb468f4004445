import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubModel
import HubTesting
import Testing

/// The analyst's investigation in headless Chromium at 1366×768, in English
/// (`Tests/Browser/analyst_flow.py`), on a hub fed as a gate would feed it: the OCR camera reads a
/// truck's plate and (one character wrong) its container, the scanner's result with a greyscale image
/// and a suspect region, the portal monitor's lines through a gamma alarm, the declaration (amended
/// once) and a sealed transit's declaration. The analyst finds the passage by plate, opens it, sees
/// the count-rate chart, the scan image with its region and the declaration beside it, downloads the
/// occupancy's raw record and checks its SHA-256, then opens the declaration and the transit's map, and last
/// an N42 instrument's measurement: its spectrum against energy on a log scale and the nuclide it identified.
extension BrowserTests {
    static let analystDeclaration = "800000000001"
    static let analystTransit = TransitTests.declaration.replacingOccurrences(of: "500000000001", with: "800000000009")

    /// The truck's import declaration with goods, HS codes and weights; `amended` is version 2 (a seal added, a quantity corrected).
    static func analystDeclarationDoc(amended: Bool) -> String {
        """
        {"number": "\(analystDeclaration)", "ucr": "6VN0301234567-2026-0042", "type": "import", "office": "03CE", "site": "e2e-gate",
         "trader": {"tin": "0301234567", "name": "Binh Minh Import Export Co.", "aeo": false, "complianceLevel": "medium"},
         "containers": ["CSQU3054383"], "plates": ["51C-123.45"], "seals": [\(amended ? "\"VN-SEAL-0042\"" : "")], "channel": "green",
         "goods": [{"hsCode": "31042000", "description": "Potassium chloride fertiliser", "quantity": \(amended ? 24500 : 24000), "unit": "KGM"},
                   {"hsCode": "69072100", "description": "Ceramic floor tiles", "quantity": 1800, "unit": "KGM"}]}
        """
    }

    /// A side view as a scanner writes it, a plain-text greyscale PGM: air bright, the container's
    /// steel darker, and a dense load where the detection region is.
    static func scanImage() -> String {
        let (w, h) = (240, 80)
        var rows: [String] = []
        for y in 0..<h {
            var row: [String] = []
            for x in 0..<w {
                var v = 225
                if y >= 10, y < 70, x >= 12, x < 228 { v = 150 - (x % 24 == 0 ? 40 : 0) - y / 4 }
                if y >= 30, y < 60, x >= 140, x < 190 { v = 45 + (x * 7 + y * 3) % 20 }
                row.append(String(v))
            }
            rows.append(row.joined(separator: " "))
        }
        return "P2\n# niihub browser test: side view\n\(w) \(h)\n255\n" + rows.joined(separator: "\n") + "\n"
    }

    /// The scanner's result for the truck's container, suspect, with the image and its region.
    static func analystScan(image sha: String) -> String {
        """
        {"schema": "niihub.scan-result/1", "scanId": "XR-\(Int(Date().timeIntervalSince1970))", "scanner": {"id": "xr-lane1", "manufacturer": "Nuctech", "technology": "x-ray"},
         "site": "e2e-gate", "lane": "1", "startedAt": "\(Timestamp.format(Date()))",
         "containers": ["CSQU3054383"], "plate": "51C-123.45",
         "images": [{"name": "side.pgm", "sha256": "\(sha)", "format": "other", "view": "side"}],
         "atd": {"result": "suspect", "algorithm": "density-v2",
                 "regions": [{"image": "side.pgm", "x": 140, "y": 30, "width": 50, "height": 30, "threat": "organic", "confidence": 81}]}}
        """
    }

    @Test func anAnalystFindsAPassageByPlateAndChecksItsEvidence() async throws {
        // A partner administration (issue 22) that inspected the same container at its border and signed its package.
        let partner = try await PartnerHub()
        let package = try await partner.export(signer: try partner.signer())
        let anchors = try TemporaryDirectory("analyst-partner-ca")
        let h = try await HubHarness(
            label: "analyst-browser",
            devices: HubHarness.serialRPM + "\n  - {id: ocr-lane1, profile: gate-ocr-camera, lane: \"1\", listen: \"127.0.0.1:0\"}"
                + "\n  - {id: n42-lane2, profile: n42-instrument, lane: \"2\", folder: n42}",
            siteExtra: "passages: {beforeS: 120, afterS: 3, gapS: 5}\nconsole: {timeZone: Asia/Ho_Chi_Minh}\npartners:\n"
                + "  - {name: kh-customs, country: KH, administration: Cambodia Customs, ca: \(try partner.caFile(in: anchors, "kh.pem"))}")
        let password = "risk-desk-2026"
        #expect(try await h.post("/api/v1/users", #"{"user": "mai", "role": "analyst", "password": "\#(password)"}"#).status == 201)
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        #expect(await eventually { (try? await h.boundPort("ocr-lane1")) ?? 0 > 0 })

        // The declarations first (version 1, then the amendment), then the truck: camera reads, the scan, the portal.
        #expect(try await h.post("/api/v1/declarations", Self.analystDeclarationDoc(amended: false)).status == 201)
        #expect(try await h.post("/api/v1/declarations", Self.analystDeclarationDoc(amended: true)).status == 201)
        #expect(try await h.post("/api/v1/declarations", Self.analystTransit).status == 201)
        let camera = try LoopbackClient(port: try #require(try await h.boundPort("ocr-lane1")))
        try camera.send("OCR,1,,CONTAINER,CSQU3O54383,93,rear\r\nOCR,1,,PLATE,51C-123.45,88,front\r\n")
        let image = try await h.request("POST", "/api/v1/blobs", body: Self.scanImage(), contentType: "application/octet-stream")
        #expect(image.status == 201)
        let imageSHA = try #require(image.json["sha256"] as? String)
        #expect(try await h.post("/api/v1/scans", Self.analystScan(image: imageSHA)).status == 201)
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let alarm = try LiveAlarmTests.linesToFirstAlarm().count
        let end = try #require(lines[alarm...].firstIndex { $0.starts(with: Array("GX".utf8)) })
        try await pty.play(lines[...end])

        // One passage with the portal's occupancy and the scan, linked, and its declaration assessed red.
        var passage: [String: Any] = [:]
        #expect(await eventually(timeout: .seconds(30)) {
            guard let p = try? await h.events("kind=gate.passage").last, let d = p["data"] as? [String: Any],
                d["occupancyEvent"] != nil, d["scanEvent"] != nil
            else { return false }
            passage = p
            return true
        })
        #expect(await eventually(timeout: .seconds(30)) {
            let risk = try? await h.get("/api/v1/declarations/\(Self.analystDeclaration)/detail").json["risk"] as? [String: Any]
            return ((risk?["event"] as? [String: Any])?["data"] as? [String: Any])?["channel"] as? String == "red"
        })
        // A hand-held identifier's N42 document (Kromek D3S, a Cs-137 source) dropped into the instrument's folder.
        let inbox = h.dir.path("n42")
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed") })
        try FileManager.default.copyItem(atPath: Corpus.url("n42/SGM200615_SearchMode_1.xml").path, toPath: inbox + "/.d3s.part")
        try FileManager.default.moveItem(atPath: inbox + "/.d3s.part", toPath: inbox + "/d3s.n42")
        var measurement = ""
        #expect(await eventually(timeout: .seconds(30)) {
            guard let m = try? await h.events("kind=radiation.measurement").first, let id = m["id"] as? String else { return false }
            measurement = id
            return (try? await h.events("kind=radiation.alarm&device=n42-lane2").isEmpty) == false
        })
        let received = try await h.request("POST", "/api/v1/packages", data: Data(package), contentType: "application/x-tar")
        #expect(received.status == 201, "\(received.json)")
        let occupancy = try #require((passage["data"] as? [String: Any])?["occupancyEvent"] as? String)
        let occupancySHA = try #require(((try await h.get("/api/v1/events/\(occupancy)").json["raw"]) as? [String: Any])?["sha256"] as? String)

        let artifacts = Corpus.repositoryFile("test-artifacts/browser").path
        let downloads = try TemporaryDirectory("analyst-downloads")
        let walk = try BrowserWalk.start(
            "analyst_flow.py",
            ["--url", "http://127.0.0.1:\(h.port)/analysis", "--user=mai", "--password=\(password)", "--artifacts", artifacts, "--downloads", downloads.url.path,
            "--plate=51C-123.45", "--container=CSQU3054383", "--declaration=\(Self.analystDeclaration)",
            "--transit=800000000009", "--image-sha=\(imageSHA)", "--occupancy-sha=\(occupancySHA)", "--measurement=\(measurement)",
            "--partner=kh-customs"],
            folder: try TemporaryDirectory("analyst-browser"))
        let (passed, report) = await walk.finish()
        #expect(passed, "\(report)")
        print("analyst browser figures: \(report.split(separator: "\n").last ?? "")")

        // The file the browser saved is the raw record, byte for byte, as the hub keeps it.
        let raw = try await h.get("/api/v1/raw/\(occupancySHA)").json
        let saved = try FileManager.default.contentsOfDirectory(atPath: downloads.url.path)
        #expect(saved.count == 1, "\(saved)")
        let file = try #require(saved.first.flatMap { FileManager.default.contents(atPath: downloads.path($0)) })
        #expect(file == (raw["base64"] as? String).flatMap { Data(base64Encoded: $0) }, "the file saved is the raw record's bytes")
        for shot in ["a1-search-by-plate.png", "a2-passage.png", "a4-evidence-checked.png", "a5-declaration.png", "a5b-declaration-partner-vi.png", "a6-transit.png", "a7-n42-spectrum.png"] {
            #expect(FileManager.default.fileExists(atPath: artifacts + "/" + shot), "\(shot)")
        }
        try await h.stop()
        pty.close()
    }
}
