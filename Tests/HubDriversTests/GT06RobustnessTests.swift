import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Whatever a TCP peer sends, the GT06 driver counts it, archives it and stays bounded.
@Suite(.timeLimit(.minutes(1)))
struct GT06RobustnessTests {
    static func make() -> GT06Driver { GT06Driver() }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomBytes(seed: UInt64) {
        let r = DriverTorture.randomBytes(Self.make, seed: seed)
        #expect(DriverTorture.consistent(r, inputBytes: 64 * 1024))
        #expect(r.frames.allSatisfy { $0.count <= GT06Driver.minimumFrameLimit })
    }

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

    @Test func aHeaderPromisingAHugeFrameIsNotWaitedFor() {
        var driver = Self.make()
        var steps: [DriverStep] = []
        driver.push([0x79, 0x79, 0xFF, 0xFF][...], receivedAt: Date(), into: &steps)
        driver.push([UInt8](repeating: 0x41, count: 10_000)[...], receivedAt: Date(), into: &steps)
        #expect(driver.counters.rejected["overlong"] ?? 0 >= 1)
        let archived = steps.reduce(0) { n, s in if case .frame(let f) = s { n + f.count } else { n } }
        #expect(archived == 10_004, "nothing is held back once it cannot be a frame")
    }
}
