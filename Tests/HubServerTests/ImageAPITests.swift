import Foundation
import HubAppTesting
import HubImaging
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `GET /api/v1/images/{sha256}` and its tiles on a whole hub: a 16-bit image posted as a blob comes
/// back described and cut into tiles sample for sample; a cut file is refused with its reason and counted.
@Suite(.timeLimit(.minutes(3)))
struct ImageAPITests {
    /// 600 × 300, v = 100 × (x / 10) + y: distinct enough that a misplaced tile shows.
    static let image = ScanImage(width: 600, height: 300, bitsPerSample: 16, samples: region(x: 0..<600, y: 0..<300))

    /// The test image's samples over a rectangle, row by row.
    static func region(x: Range<Int>, y: Range<Int>) -> [UInt16] {
        var out: [UInt16] = []
        for row in y { for col in x { out.append(UInt16(100 * (col / 10) + row)) } }
        return out
    }

    static func samples(_ bytes: [UInt8]) -> [UInt16] {
        stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
    }

    @Test func aSixteenBitImageIsDescribedAndServedTileByTile() async throws {
        let h = try await HubHarness(label: "image-api")
        let posted = try await h.upload("/api/v1/blobs", bytes: ScanImageEncoder.pgm(Self.image))
        let sha = try #require(posted.json["sha256"] as? String)
        let info = try await h.get("/api/v1/images/\(sha)")
        #expect(info.status == 200)
        #expect(info.json["width"] as? Int == 600 && info.json["height"] as? Int == 300 && info.json["bitsPerSample"] as? Int == 16)
        #expect(info.json["format"] as? String == "pgm" && info.json["tileSize"] as? Int == 256)
        #expect(info.json["min"] as? Int == 0 && info.json["max"] as? Int == 100 * 59 + 299)
        let levels = try #require(info.json["levels"] as? [[String: Int]])
        #expect(levels.map { [$0["width"]!, $0["height"]!, $0["columns"]!, $0["rows"]!] } == [[600, 300, 3, 2], [300, 150, 2, 1], [150, 75, 1, 1]])

        // Level 0, the first tile and the bottom-right edge tile, sample for sample.
        let first = try await h.bytes("/api/v1/images/\(sha)/tiles/0/0/0")
        #expect(first.status == 200 && first.headers["x-tile-width"] == "256" && first.headers["x-tile-height"] == "256")
        #expect(first.headers["cache-control"]?.contains("immutable") == true)
        #expect(Self.samples(first.body) == Self.region(x: 0..<256, y: 0..<256))
        let edge = try await h.bytes("/api/v1/images/\(sha)/tiles/0/2/1")
        #expect(edge.headers["x-tile-width"] == "88" && edge.headers["x-tile-height"] == "44")
        #expect(Self.samples(edge.body) == Self.region(x: 512..<600, y: 256..<300))
        // Level 1: each sample the rounded mean of a 2 × 2 block: 100 × (x / 10) is the same across a
        // pair (x even), and y, y + 1 average to y + 0.5, rounded up.
        let half = try await h.bytes("/api/v1/images/\(sha)/tiles/1/0/0")
        var expected: [UInt16] = []
        for y in 0..<150 { for x in 0..<256 { expected.append(UInt16(100 * ((2 * x) / 10) + 2 * y + 1)) } }
        #expect(Self.samples(half.body) == expected)

        #expect(try await h.get("/api/v1/images/\(sha)/tiles/3/0/0").json["field"] as? String == "level")
        #expect(try await h.get("/api/v1/images/\(sha)/tiles/0/3/0").json["field"] as? String == "column")
        #expect(try await h.get("/api/v1/images/\(String(repeating: "b", count: 64))").status == 404)
        // A gate's credential may forward events, not read images.
        let gate = try await h.token("gate", owner: "gate-2")
        #expect(try await h.get("/api/v1/images/\(sha)", token: gate).status == 403)
        try await h.stop()
    }

    @Test func aCutImageIsRefusedWithItsReasonAndCounted() async throws {
        let h = try await HubHarness(label: "image-refused")
        let whole = ScanImageEncoder.pgm(Self.image)
        let posted = try await h.upload("/api/v1/blobs", bytes: Array(whole.prefix(whole.count / 2)))
        let sha = try #require(posted.json["sha256"] as? String)
        let before = Self.refused(try await h.request("GET", "/metrics").text)
        let r = try await h.get("/api/v1/images/\(sha)")
        #expect(r.status == 422 && r.json["reason"] as? String == "truncated")
        #expect((r.json["error"] as? String)?.hasPrefix("truncated: the header needs 360000 bytes of samples") == true, "\(r.json)")
        #expect(try await h.bytes("/api/v1/images/\(sha)/tiles/0/0/0").status == 422)
        #expect(Self.refused(try await h.request("GET", "/metrics").text) == before + 1, "a refusal is counted once, then remembered")
        try await h.stop()
    }

    /// `niihub_images_refused_total{reason="truncated"}` (the registry is the process's: other tests add to it).
    static func refused(_ metrics: String) -> Int {
        metrics.split(separator: "\n").first { $0.hasPrefix("niihub_images_refused_total{reason=\"truncated\"}") }
            .flatMap { Int(Double($0.split(separator: " ").last ?? "") ?? 0) } ?? 0
    }
}
