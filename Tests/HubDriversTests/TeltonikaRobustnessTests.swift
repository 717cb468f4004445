import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Whatever a TCP peer sends, the Teltonika driver counts it, archives it and stays bounded.
@Suite(.timeLimit(.minutes(1)))
struct TeltonikaRobustnessTests {
    static func make() -> TeltonikaDriver { TeltonikaDriver() }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomBytes(seed: UInt64) {
        let r = DriverTorture.randomBytes(Self.make, seed: seed)
        #expect(DriverTorture.consistent(r, inputBytes: 64 * 1024))
        #expect(r.frames.allSatisfy { $0.count <= TeltonikaDriver.minimumFrameLimit })
    }

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

    @Test func aLengthPastTheLimitIsNotWaitedFor() {
        var driver = Self.make()
        var steps: [DriverStep] = []
        driver.push([0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF][...], receivedAt: Date(), into: &steps)
        driver.push([UInt8](repeating: 1, count: 8192)[...], receivedAt: Date(), into: &steps)
        #expect(driver.counters.rejected["overlong"] ?? 0 >= 1)
        let archived = steps.reduce(0) { n, s in if case .frame(let f) = s { n + f.count } else { n } }
        #expect(archived == 8200)
    }
}
