import Crypto
import Foundation
import HubAppTesting
import HubTesting
import Testing

/// `GET /api/v1/raw/:sha256/chain` on a whole hub, checked from the JSON alone the way the
/// analyst's page checks it.
@Suite(.timeLimit(.minutes(3)))
struct RawChainAPITests {
    /// The canonical bytes rebuilt from a proof's `link` object, as js/analysis-chain.js does.
    static func canonical(_ link: [String: Any]) throws -> [UInt8] {
        func int(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> UInt64(56 - 8 * $0)) } }
        func text(_ s: String) -> [UInt8] { int(Int64(s.utf8.count)) + Array(s.utf8) }
        func field(_ name: String) throws -> String { try #require(link[name] as? String, "\(name)") }
        let seq = try #require((link["seq"] as? NSNumber)?.int64Value)
        let frames = try #require((link["frames"] as? NSNumber)?.int64Value)
        return text("niihub.raw/1") + int(seq) + text(try field("sha256")) + text(try field("format")) + text(try field("device"))
            + text(try field("firstReceivedAt")) + text(try field("receivedAt")) + int(frames)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func chain(after previous: String, _ canonical: [UInt8]) -> String {
        let prev = stride(from: 0, to: previous.count, by: 2).map {
            UInt8(previous[previous.index(previous.startIndex, offsetBy: $0)...].prefix(2), radix: 16) ?? 0
        }
        return hex(SHA256.hash(data: prev + canonical))
    }

    @Test func twoPostedScansProveTheFirstsLinkAndTheNextOne() async throws {
        let h = try await HubHarness(label: "raw-chain")
        #expect(try await h.post("/api/v1/scans", ScanSamples.suspect).status == 201)
        #expect(
            try await h.post("/api/v1/scans", ScanSamples.suspect.replacingOccurrences(of: "MT-2026-000731", with: "MT-2026-000732")).status
                == 201)
        let stored = try await h.events("kind=scan.result&order=asc")
        let sha = try #require((stored.first?["raw"] as? [String: Any])?["sha256"] as? String)
        let raw = try await h.get("/api/v1/raw/\(sha)")
        let bytes = try #require(Data(base64Encoded: raw.json["base64"] as? String ?? ""))
        #expect(Self.hex(SHA256.hash(data: bytes)) == sha, "the download hashes to the record's sha256")

        let p = try await h.get("/api/v1/raw/\(sha)/chain")
        try #require(p.status == 200, "\(p.json)")
        let link = try #require(p.json["link"] as? [String: Any])
        #expect(link["sha256"] as? String == sha)
        let canonical = try Self.canonical(link)
        #expect(Data(base64Encoded: p.json["canonical"] as? String ?? "") == Data(canonical))
        let previous = try #require(p.json["previous"] as? [String: Any])
        let prevChain = try #require(previous["chain"] as? String)
        let own = try #require(p.json["chain"] as? String)
        #expect(Self.chain(after: prevChain, canonical) == own)
        let next = try #require(p.json["next"] as? [String: Any], "the second scan's record follows")
        let nextLink = try #require(next["link"] as? [String: Any])
        #expect((nextLink["seq"] as? NSNumber)?.int64Value == (link["seq"] as? NSNumber).map { $0.int64Value + 1 })
        #expect(Self.chain(after: own, try Self.canonical(nextLink)) == next["chain"] as? String)
        let head = try #require(p.json["head"] as? [String: Any])
        // The hub stores records of its own too (the scans' derived events), so the head is at or after the next record.
        let headSeq = try #require((head["seq"] as? NSNumber)?.int64Value), nextSeq = try #require((nextLink["seq"] as? NSNumber)?.int64Value)
        #expect(headSeq >= nextSeq)
        #expect((head["chain"] as? String)?.count == 64)
        #expect(p.json["verified"] as? Bool == true)

        let unknown = try await h.get("/api/v1/raw/\(String(repeating: "b", count: 64))/chain")
        #expect(unknown.status == 404)
        #expect((unknown.json["error"] as? String)?.contains("no raw record") == true, "\(unknown.json)")
        #expect(try await h.get("/api/v1/raw/xyz/chain").status == 400)
        try await h.stop()
    }
}
