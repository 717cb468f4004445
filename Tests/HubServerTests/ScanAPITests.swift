import Foundation
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST /api/v1/scans` on a whole hub.
@Suite(.timeLimit(.minutes(1)))
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
