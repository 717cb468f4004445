import Foundation
import HubApp
import HubAppTesting
import HubServer
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST /api/v1/scans` on a whole hub.
@Suite(.timeLimit(.minutes(3)))
struct ScanAPITests {
    static func post(_ h: HubHarness, _ body: String) async throws -> (status: Int, json: [String: Any]) {
        try await h.post("/api/v1/scans", body)
    }

    @Test func aPostedScanResultIsStoredAsAnEvent() async throws {
        let h = try await HubHarness(label: "scan-api")
        let r = try await Self.post(h, ScanSamples.suspect)
        #expect(r.status == 201)
        #expect(r.json["kind"] as? String == "scan.result")
        #expect((r.json["subject"] as? [String: Any])?["containers"] as? [String] == ["CSQU3054383"])
        let stored = try await h.events("kind=scan.result")
        #expect(stored.count == 1)
        #expect(stored.first?["id"] as? String == r.json["id"] as? String)
        let sha = (stored.first?["raw"] as? [String: Any])?["sha256"] as? String ?? ""
        let raw = try await h.get("/api/v1/raw/\(sha)")
        #expect(raw.status == 200 && (raw.json["text"] as? String)?.contains("MT-2026-000731") == true)
        try await h.stop()
    }

    /// A suspect scan posted over HTTP reaches a live console once: the next scan's frame comes after
    /// the first's single one.
    @Test func aPostedScanReachesTheLiveSocketOnce() async throws {
        let h = try await HubHarness(label: "scan-live")
        let (texts, client) = h.liveTexts(token: h.adminToken)
        #expect(await eventually { h.hub.live.count == 1 })
        let first = try await Self.post(h, ScanSamples.suspect)
        let second = try await Self.post(h, ScanSamples.suspect.replacingOccurrences(of: "MT-2026-000731", with: "MT-2026-000732"))
        let (firstID, secondID) = (try #require(first.json["id"] as? String), try #require(second.json["id"] as? String))
        var seen: [String] = []
        for await text in texts {
            let frame = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            guard let id = (frame?["event"] as? [String: Any])?["id"] as? String, id == firstID || id == secondID else { continue }
            seen.append(id)
            if id == secondID { break }
        }
        #expect(seen == [firstID, secondID], "frames: \(seen)")
        client.cancel()
        try await h.stop()
    }

    @Test func aBadDocumentGets400WithEveryProblemByField() async throws {
        let h = try await HubHarness(label: "scan-api-bad")
        let r = try await Self.post(h, #"{"schema":"niihub.scan-result/1","scanId":"","scanner":{},"startedAt":"soon"}"#)
        #expect(r.status == 400)
        let problems = r.json["problems"] as? [[String: Any]] ?? []
        #expect(Set(problems.compactMap { $0["field"] as? String }) == ["scanId", "scanner.id", "startedAt"])
        #expect(try await Self.post(h, "not json").status == 400)
        #expect(try await h.events("kind=scan.result").isEmpty)
        try await h.stop()
    }
}
