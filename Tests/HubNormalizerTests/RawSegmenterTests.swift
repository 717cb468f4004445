import Crypto
import Foundation
import HubModel
import HubNormalizer
import Testing

struct RawSegmenterTests {
    @Test func sha256OfKnownVectors() {
        #expect(Hex.encode(SHA256.hash(data: Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash(data: [])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func segmentsHoldExactlyTheirFramesAndLargeRunsAreFlushed() {
        var s = RawSegmenter(format: "lines", deviceID: "d", maxPendingBytes: 100)
        let t = Date(timeIntervalSince1970: 1000)
        var records: [RawRecord] = []
        let frames = (0..<30).map { Array("line \($0)\r\n".utf8) }
        for (i, f) in frames.enumerated() {
            if let r = s.append(f, receivedAt: t.addingTimeInterval(Double(i))) { records.append(r) }
            if i == 3 { records.append(s.closeSegment()!) }
        }
        if let r = s.closeSegment() { records.append(r) }
        #expect(s.closeSegment() == nil)
        #expect(records.flatMap(\.bytes) == frames.flatMap { $0 }, "nothing lost, nothing doubled")
        #expect(records.allSatisfy { $0.bytes.count <= 100 })
        #expect(records[0].frameCount == 4)
        #expect(records[0].firstReceivedAt == t && records[0].receivedAt == t.addingTimeInterval(3))
        #expect(records.allSatisfy { $0.sha256 == Hex.encode(SHA256.hash(data: $0.bytes)) })
    }

    @Test func lastFrameRecordLeavesTheRunOpen() {
        var s = RawSegmenter(format: "lines", deviceID: "d")
        _ = s.append(Array("GS,1\r\n".utf8), receivedAt: Date())
        _ = s.append(Array("GA,9\r\n".utf8), receivedAt: Date())
        #expect(s.lastFrameRecord()?.bytes == Array("GA,9\r\n".utf8))
        #expect(s.closeSegment()?.bytes == Array("GS,1\r\nGA,9\r\n".utf8))
    }

    /// Records wait in memory until their commit; each must cost its own bytes, not the buffer of
    /// the longest run the link ever had (the soak's heap grew that way once commits slowed).
    @Test func aRecordCarriesNoSpareCapacityAfterALongRun() {
        var s = RawSegmenter(format: "avl", deviceID: "d")
        let t = Date(timeIntervalSince1970: 1000)
        for _ in 0..<1000 { _ = s.append([UInt8](repeating: 0x41, count: 100), receivedAt: t) }
        let long = s.closeSegment()
        #expect(long?.bytes.count == 100_000)
        for i in 0..<3 {
            _ = s.append([UInt8](repeating: UInt8(i), count: 100), receivedAt: t)
            let r = s.closeSegment()
            #expect(r?.bytes == [UInt8](repeating: UInt8(i), count: 100))
            #expect((r?.bytes.capacity ?? .max) < 1024, "an exact-size copy, not the 100 KB run's buffer")
        }
    }
}
