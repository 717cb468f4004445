import Foundation
import HubModel
import HubNormalizer
import Testing

/// The most recent frame is no longer kept as an array of its own per frame: it is found in the open
/// run, or (once the run is closed) in the closed record's bytes. `lastFrameRecord()` must give the
/// same frame as before in every case.
struct RawSegmenterLastFrameTests {
    @Test func lastFrameBeforeAndAfterItsRunIsClosed() throws {
        var s = RawSegmenter(format: "lines", deviceID: "d")
        #expect(s.lastFrameRecord() == nil, "no frame yet")
        _ = s.append(Array("GS,1\r\n".utf8), receivedAt: Date())
        _ = s.append(Array("GA,9\r\n".utf8)[...], receivedAt: Date())
        #expect(try #require(s.lastFrameRecord()).bytes == Array("GA,9\r\n".utf8))
        let closed = s.closeSegment()
        let run = try #require(closed)
        #expect(run.bytes == Array("GS,1\r\nGA,9\r\n".utf8) && run.frameCount == 2)
        let after = try #require(s.lastFrameRecord(), "the last frame outlives its run")
        #expect(after.bytes == Array("GA,9\r\n".utf8) && after.frameCount == 1)
        #expect(after.sha256 != run.sha256)
    }

    @Test func lastFrameOfALargeClosedRunAndOfAFlushedOne() throws {
        // A run past the size whose tail is lent: the frame is copied out of it.
        var s = RawSegmenter(format: "lines", deviceID: "d")
        let big = [UInt8](repeating: 0x41, count: RawSegmenter.lentRecordBytes)
        _ = s.append(big, receivedAt: Date())
        _ = s.append(Array("END\r\n".utf8), receivedAt: Date())
        #expect(s.closeSegment() != nil)
        #expect(try #require(s.lastFrameRecord()).bytes == Array("END\r\n".utf8))
        // A frame that forces a flush of the run before it is the last frame, in the new run.
        var f = RawSegmenter(format: "lines", deviceID: "d", maxPendingBytes: 10)
        _ = f.append(Array("123456".utf8), receivedAt: Date())
        let appended = f.append(Array("abcdef".utf8), receivedAt: Date())
        let flushed = try #require(appended)
        #expect(flushed.bytes == Array("123456".utf8))
        #expect(try #require(f.lastFrameRecord()).bytes == Array("abcdef".utf8))
    }
}
