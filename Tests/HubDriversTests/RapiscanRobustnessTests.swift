import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// A device can send anything. The driver must count what it cannot use, keep going, and stay bounded.
struct RapiscanRobustnessTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomBytesNeverCrashAndAreCounted(seed: UInt64) {
        var rng = Lcg(s: seed)
        var driver = RapiscanDriver(options: { var o = DriverOptions(); o.maxFrameBytes = 128; return o }())
        var steps: [DriverStep] = []
        var total = 0
        for _ in 0..<200 {
            let n = Int.random(in: 0...2048, using: &rng)
            let chunk = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            total += n
            driver.push(chunk[...], receivedAt: Date(), into: &steps)
            steps.removeAll()
        }
        driver.finish(receivedAt: Date(), into: &steps)
        let c = driver.counters
        #expect(c.bytes == total)
        #expect(c.frames >= c.rejectedTotal + c.unknownTotal)
        #expect(c.rejectedTotal > 0)
        #expect(c.unknownCodes.count <= DecodeCounters.maxDistinctUnknownCodes + 1)
    }

    @Test func mutatedCorpusLinesAreRejectedOrDecodedNeverLost() throws {
        var rng = Lcg(s: 42)
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        var driver = RapiscanDriver()
        var steps: [DriverStep] = []
        var mutated = 0
        for var line in lines.prefix(3000) {
            if Int.random(in: 0..<10, using: &rng) == 0, line.count > 3 {
                // Any byte but LF, so the line count stays known.
                line[Int.random(in: 0..<(line.count - 2), using: &rng)] = UInt8.random(in: 11...255, using: &rng)
                mutated += 1
            }
            driver.push(line[...], receivedAt: Date(), into: &steps)
        }
        let c = driver.counters
        #expect(c.frames == 3000)
        #expect(mutated > 200)
        #expect(c.rejectedTotal > 0 && c.rejectedTotal <= mutated)
        let archived = steps.reduce(0) { n, s in if case .frame(let f) = s { return n + f.count } else { return n } }
        #expect(archived == c.bytes, "every byte is archived, good or bad")
    }

    @Test func aFloodOfOneHugeLineIsCutAndCounted() {
        var driver = RapiscanDriver()
        var steps: [DriverStep] = []
        let flood = [UInt8](repeating: 0x47, count: 1 << 20)
        driver.push(flood[...], receivedAt: Date(), into: &steps)
        driver.push(Array("\r\nGX,000001,000000\r\n".utf8)[...], receivedAt: Date(), into: &steps)
        #expect(driver.counters.rejected["overlong"] == 1)
        let heads = steps.compactMap { s -> Int? in if case .frame(let f) = s { return f.count } else { return nil } }
        #expect(heads.first == 512, "only the head of the flood is kept")
        #expect(steps.contains { if case .reading(.radiationPortal(.occupancy), _) = $0 { true } else { false } })
    }
}
