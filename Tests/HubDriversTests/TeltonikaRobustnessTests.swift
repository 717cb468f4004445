import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Whatever a TCP peer sends, the Teltonika driver counts it, archives it and stays bounded.
@Suite(.timeLimit(.minutes(3)))
struct TeltonikaRobustnessTests {
    static func make() -> TeltonikaDriver { TeltonikaDriver() }

    @Test func mutatedCorpusPacketsNeverCrashAndAddUp() throws {
        let frames = try TrackerCorpus.rows("tracker/teltonika-codec8-frames.jsonl").map(\.bytes)
        for seed in 1...10 as ClosedRange<UInt64> {
            let mutated = DriverTorture.mutated(frames, seed: seed)
            let r = DriverRun(Self.make(), chunks: mutated.map { $0[...] })
            #expect(DriverTorture.consistent(r, inputBytes: mutated.reduce(0) { $0 + $1.count }))
        }
    }

    @Test func truncationAtEveryOffset() throws {
        let frame = try #require(try TrackerCorpus.rows("tracker/teltonika-codec8-frames.jsonl").first { $0.records?.count == 3 }).bytes
        for (n, r) in DriverTorture.truncations(frame, Self.make).enumerated() {
            #expect(DriverTorture.consistent(r, inputBytes: n))
            #expect(r.fixes.count == (n == frame.count ? 3 : 0), "prefix of \(n) bytes")
        }
    }
}
