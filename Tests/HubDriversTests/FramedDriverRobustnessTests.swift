import Foundation
import HubDrivers
import HubModel
import Testing

/// What every GPS and seal driver must survive, run against each through the driver catalog.
@Suite(.timeLimit(.minutes(3)))
struct FramedDriverRobustnessTests {
    @Test(arguments: ["nmea", "gt06", "teltonika", "eseal"], [1, 2, 3] as [UInt64])
    func randomBytesAreArchivedAndCounted(protocolName: String, seed: UInt64) throws {
        let make = { DriverCatalog.make(protocolName)! }
        let r = DriverTorture.randomBytes(make, seed: seed)
        // NMEA keeps only the head of an over-long line; the binary framers archive every byte.
        #expect(DriverTorture.consistent(r, inputBytes: 64 * 1024, everyByteArchived: protocolName != "nmea"))
        #expect(r.frames.allSatisfy { $0.count <= 4096 })
        #expect(r.counters.rejectedTotal > 0)
    }

    /// A header (or start marker) that promises more than a frame may hold, then a flood.
    @Test(arguments: [
        ("gt06", [0x79, 0x79, 0xFF, 0xFF] as [UInt8]), ("teltonika", [0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF]),
        ("eseal", Array("##S,".utf8)), ("nmea", Array("$GPGGA,".utf8)),
    ])
    func aHugeFrameIsNotWaitedFor(protocolName: String, header: [UInt8]) throws {
        var driver = try #require(DriverCatalog.make(protocolName))
        var steps: [DriverStep] = []
        let flood = [UInt8](repeating: 0x41, count: 100_000) + [10]
        driver.push(header[...], receivedAt: Date(), into: &steps)
        driver.push(flood[...], receivedAt: Date(), into: &steps)
        #expect(driver.counters.rejected["overlong"] ?? 0 >= 1)
        let archived = steps.reduce(0) { n, s in if case .frame(let f) = s { n + f.count } else { n } }
        if protocolName == "nmea" {
            // A line protocol keeps the head of an over-long line and drops the rest once its end is seen.
            #expect(archived <= NMEADriver.maxSentenceBytes + 2)
        } else {
            #expect(header.count + flood.count - archived <= 4096, "at most one frame's worth is held back")
        }
        #expect(steps.allSatisfy { if case .reading = $0 { false } else { true } })
    }
}
