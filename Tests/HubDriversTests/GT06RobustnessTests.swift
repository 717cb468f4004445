import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Whatever a TCP peer sends, the GT06 driver counts it, archives it and stays bounded.
@Suite(.timeLimit(.minutes(3)))
struct GT06RobustnessTests {
    static func make() -> GT06Driver { GT06Driver() }

    @Test func mutatedCorpusFramesNeverCrashAndAddUp() throws {
        let frames = try TrackerCorpus.rows("tracker/gt06-frames.jsonl").map(\.bytes)
        for seed in 1...10 as ClosedRange<UInt64> {
            let mutated = DriverTorture.mutated(frames, seed: seed)
            let r = DriverRun(Self.make(), chunks: mutated.map { $0[...] })
            #expect(DriverTorture.consistent(r, inputBytes: mutated.reduce(0) { $0 + $1.count }))
            #expect(r.counters.rejectedTotal > 0)
        }
    }

    @Test func truncationAtEveryOffset() throws {
        let frame = try #require(try TrackerCorpus.rows("tracker/gt06-frames.jsonl").first { $0.lat != nil }).bytes
        for (n, r) in DriverTorture.truncations(frame, Self.make).enumerated() {
            #expect(DriverTorture.consistent(r, inputBytes: n))
            #expect(r.fixes.count == (n == frame.count ? 1 : 0))
            #expect(n == 0 || n == frame.count || r.counters.rejectedTotal == 1, "a cut frame is counted: \(n)")
        }
    }
}
