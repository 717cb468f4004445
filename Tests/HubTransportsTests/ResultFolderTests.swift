import Crypto
import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubServer
import HubStore
import HubTesting
import Testing

/// Instruments and scanners that leave their results in folders.
@Suite(.timeLimit(.minutes(3)))
struct ResultFolderTests {
    static func sha(_ d: Data) -> String { SHA256.hash(data: d).map { String(format: "%02x", $0) }.joined() }

    @Test func anN42FileDroppedIntoTheInstrumentsFolder() async throws {
        let h = try await HubHarness(label: "n42-drop", devices: "  - {id: rs605, profile: n42-instrument, lane: \"2\", folder: n42}")
        let inbox = h.dir.path("n42")
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed") })
        try FileManager.default.copyItem(atPath: Corpus.url("n42/Q67_Mobile.N42").path, toPath: inbox + "/.Q67.part")
        try FileManager.default.moveItem(atPath: inbox + "/.Q67.part", toPath: inbox + "/Q67_Mobile.N42")
        #expect(await eventually(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: inbox + "/processed/Q67_Mobile.N42") })
        let page = try await h.get("/api/v1/events?kind=radiation.measurement&limit=1000").json["events"] as? [Any]
        #expect(page?.count == 490)
        try await h.stop()
    }

    @Test func aScannersImagesAreKeptByHashBesideItsResult() async throws {
        let h = try await HubHarness(label: "scan-drop", devices: "  - {id: xr-lane2, profile: container-scanner, lane: \"2\", folder: scans}")
        let inbox = h.dir.path("scans")
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed") })
        let top = Data((0..<4096).map { UInt8($0 % 251) })
        let side = Data("DICM side view".utf8)
        try FileManager.default.createDirectory(atPath: inbox + "/images", withIntermediateDirectories: true)
        try top.write(to: URL(fileURLWithPath: inbox + "/images/top.uff"))
        try side.write(to: URL(fileURLWithPath: inbox + "/side.dcs"))
        // The document names both; the side view's hash is wrong.
        let doc = ScanSamples.suspect.replacingOccurrences(of: ScanSamples.sha, with: Self.sha(top))
        try doc.write(toFile: inbox + "/.scan.json.tmp", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: inbox + "/.scan.json.tmp", toPath: inbox + "/scan.json")
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed/scan.json") })
        let event = try #require(try await h.events("kind=scan.result").first)
        let data = try #require(event["data"] as? [String: Any])
        #expect(data["imagesStored"] as? [String] == [Self.sha(top)])
        #expect((data["imageProblems"] as? [String])?.first?.contains("side.dcs: sha256 is") == true)
        #expect(FileManager.default.fileExists(atPath: inbox + "/processed/top.uff"))
        #expect(FileManager.default.fileExists(atPath: inbox + "/side.dcs"), "a mismatched image is left for a person")
        #expect(try await h.request("GET", "/api/v1/blobs/\(Self.sha(top))").status == 200)
        #expect(try BlobStore(besideStore: h.hub.config.storePath).read(Self.sha(top)) == top)
        try await h.stop()
    }

    @Test func imagesPostedOverHTTPComeBackByTheirHash() async throws {
        let h = try await HubHarness(label: "blobs")
        let image = Data("UFF image bytes".utf8)
        let posted = try await h.request(
            "POST", "/api/v1/blobs", body: String(decoding: image, as: UTF8.self), contentType: "application/octet-stream")
        #expect(posted.status == 201)
        #expect(posted.json["sha256"] as? String == Self.sha(image))
        let back = try await h.request("GET", "/api/v1/blobs/\(Self.sha(image))")
        #expect(back.status == 200 && back.text == "UFF image bytes")
        #expect(try await h.request("GET", "/api/v1/blobs/\(String(repeating: "0", count: 64))").status == 404)
        try await h.stop()
    }
}
