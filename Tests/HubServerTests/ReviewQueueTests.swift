import Foundation
import HubModel
import Testing

@testable import HubServer

/// The review queue's pure parts: state from verdicts, urgency order, the re-check pick, figures.
struct ReviewQueueTests {
    func v(_ verdict: ScanVerdictPayload.Verdict, by: String, final: Bool, recheck: Bool = false) -> ScanVerdictPayload {
        ScanVerdictPayload(
            scanEvent: "S", scanId: nil, verdict: verdict, by: by, reason: nil, regions: [], step: final ? .second : .first, confirms: nil,
            final: final, recheck: recheck)
    }

    @Test func theStateFollowsTheVerdictsAndTheLease() {
        #expect(ReviewQueue.state([], claimed: false) == .waiting)
        #expect(ReviewQueue.state([], claimed: true) == .claimed)
        #expect(ReviewQueue.state([v(.suspect, by: "lan", final: false)], claimed: true) == .second)
        #expect(ReviewQueue.state([v(.suspect, by: "lan", final: false), v(.suspect, by: "minh", final: true)], claimed: false) == .done)
        #expect([Declaration.Channel.green, nil, .red, .yellow].sorted { ReviewQueue.priority($0) < ReviewQueue.priority($1) } == [.red, .yellow, .green, nil])
    }

    @Test func theRecheckPickIsTheSameEveryTimeAndFollowsTheShare() {
        let ids = (0..<1000).map { "01KB\($0)" }
        let picked = ids.filter { ReviewQueue.picksForRecheck($0, share: 0.1) }
        #expect(picked == ids.filter { ReviewQueue.picksForRecheck($0, share: 0.1) })
        #expect((60...140).contains(picked.count), "about a tenth: \(picked.count)")
        #expect(ids.allSatisfy { !ReviewQueue.picksForRecheck($0, share: 0) && ReviewQueue.picksForRecheck($0, share: 1) })
    }

    @Test func figuresGiveTheQueueTheMixAndTimeToVerdictPercentiles() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        // Lane 1: finals after 60, 120, 180, 240 and 600 s; lane 2: one still waiting, one re-checked clear waiting.
        var scans = [60.0, 120, 180, 240, 600].enumerated().map { i, s in
            ReviewQueue.Done(lane: "1", scannedAt: t0, verdicts: [(t0.addingTimeInterval(s), v(i == 4 ? .suspect : .clear, by: i < 2 ? "lan" : "minh", final: true))])
        }
        scans.append(.init(lane: "2", scannedAt: t0, verdicts: []))
        scans.append(.init(lane: "2", scannedAt: t0, verdicts: [(t0.addingTimeInterval(30), v(.clear, by: "lan", final: false, recheck: true))]))
        let f = ReviewQueue.figures(scans)
        #expect(f.queue == [.init(lane: "2", waiting: 2)])
        #expect(f.mix == ["clear": 4, "suspect": 1] && f.rechecks == 1)
        #expect(f.byLane == [.init(lane: "1", analyst: nil, count: 5, p50: 180, p90: 600)])
        #expect(f.byAnalyst == [.init(lane: nil, analyst: "lan", count: 2, p50: 60, p90: 120), .init(lane: nil, analyst: "minh", count: 3, p50: 240, p90: 600)])
    }
}
