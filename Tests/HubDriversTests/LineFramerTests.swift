import HubDrivers
import Testing

struct LineFramerTests {
    private func frames(_ chunks: [String], max: Int = 32, finish: Bool = false) -> [LineFramer.Output] {
        var framer = LineFramer(maxLineBytes: max)
        var out: [LineFramer.Output] = []
        for c in chunks { framer.push(Array(c.utf8)[...]) { out.append($0) } }
        if finish { framer.finish { out.append($0) } }
        return out
    }

    @Test func linesSplitAcrossReadsKeepTheirExactBytes() {
        let out = frames(["GB,0001", "23,000456\r", "\nNB,1\r\nGS", ",2\n"])
        #expect(out == [
            .line(bytes: Array("GB,000123,000456\r\n".utf8), contentCount: 16),
            .line(bytes: Array("NB,1\r\n".utf8), contentCount: 4),
            .line(bytes: Array("GS,2\n".utf8), contentCount: 4),
        ])
    }

    @Test func anOverlongLineIsCutReportedAndTheNextLineSurvives() {
        let long = String(repeating: "X", count: 100)
        let out = frames([long, long, "\r\nGX,1\r\n"], max: 32)
        #expect(out.count == 2)
        guard case .overlong(let head, let dropped) = out[0] else {
            Issue.record("expected overlong, got \(out[0])")
            return
        }
        #expect(head.count == 32)
        #expect(head.count + dropped == 202)
        #expect(out[1] == .line(bytes: Array("GX,1\r\n".utf8), contentCount: 4))
    }

    @Test func memoryStaysBoundedUnderAnEndlessLine() {
        var framer = LineFramer(maxLineBytes: 64)
        let chunk = [UInt8](repeating: 65, count: 4096)
        for _ in 0..<1000 { framer.push(chunk[...]) { _ in } }
        #expect(framer.pendingCount <= 65)
    }

    @Test func finishDeliversATrailingLineAndBlankLinesAreSkipped() {
        let out = frames(["\r\n\r\nTT", ",1"], finish: true)
        #expect(out == [.line(bytes: Array("TT,1".utf8), contentCount: 4)])
    }

    /// A line waits in memory until its record is committed: it must cost its own bytes, not the
    /// framer's buffer (reserved for the longest line) that every line would otherwise share.
    @Test func aLineHandedOnCarriesNoSpareCapacity() {
        var framer = LineFramer(maxLineBytes: 8192)
        var out: [LineFramer.Output] = []
        framer.push(ArraySlice(Array(repeating: 0x41, count: 6000) + [13, 10] + Array("GS,1\r\n".utf8))) { out.append($0) }
        #expect(out.count == 2)
        guard case .line(let long, 6000)? = out.first, case .line(let short, 4)? = out.last else {
            Issue.record("expected two lines, got \(out)")
            return
        }
        #expect(long.count == 6002)
        #expect(short == Array("GS,1\r\n".utf8))
        #expect(short.capacity < 256, "an exact-size copy, not the framer's 6 KB buffer")
    }
}
