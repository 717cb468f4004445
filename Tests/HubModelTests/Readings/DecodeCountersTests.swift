import Foundation
import HubModel
import Testing

struct DecodeCountersTests {
    @Test func skippedCountsAddSubtractAndRoundTrip() throws {
        var a = DecodeCounters()
        a.frames = 3
        a.skippedFrames = ["ubx": 2, "rtcm3": 1]
        a.skippedBytes = 40
        var total = DecodeCounters()
        total.add(a)
        total.add(a)
        #expect(total.skippedFrames == ["ubx": 4, "rtcm3": 2] && total.skippedBytes == 80 && total.skippedFramesTotal == 6)
        let d = total.since(a)
        #expect(d.skippedFrames == ["ubx": 2, "rtcm3": 1] && d.skippedBytes == 40)
        let json = try JSONEncoder().encode(total)
        #expect(try JSONDecoder().decode(DecodeCounters.self, from: json) == total)
    }

    @Test func countersWrittenBeforeSkippedCountsStillRead() throws {
        let old = #"{"bytes":10,"frames":1,"readings":1,"rejected":{},"unknownCodes":{"GSV":2}}"#
        let c = try JSONDecoder().decode(DecodeCounters.self, from: Data(old.utf8))
        #expect(c.bytes == 10 && c.unknownCodes == ["GSV": 2] && c.skippedFrames.isEmpty && c.skippedBytes == 0)
    }
}
