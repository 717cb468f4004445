import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// New settings taken in the middle of a stream (a configuration reload) lose nothing the driver
/// holds: a feed cut anywhere, with `reconfigure` called at every cut, decodes exactly as the feed
/// whole; and the settings taken do govern what comes after.
struct DriverReconfigureTests {
    /// Feeds `bytes` cut every `every` bytes, calling `reconfigure(options)` at each cut.
    static func run(_ driver: some DeviceDriver, _ bytes: [UInt8], every: Int, options: DriverOptions) -> DriverRun {
        var driver = driver
        var steps: [DriverStep] = []
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        for start in stride(from: 0, to: bytes.count, by: every) {
            driver.reconfigure(options)
            driver.push(bytes[start..<min(start + every, bytes.count)], receivedAt: at, into: &steps)
        }
        driver.finish(receivedAt: at, into: &steps)
        var run = DriverRun(driver, chunks: [], finish: false)
        run.steps = steps
        for s in steps {
            switch s {
            case .frame(let f): run.frames.append(Array(f))
            case .reading(let r, _): run.readings.append(r)
            case .reply(let r): run.replies.append(r)
            case .answer(let a): run.answers.append(a)
            }
        }
        return run
    }

    @Test(arguments: [7, 61, 997])
    func aPortalFeedCutAnywhereKeepsItsOccupancies(every: Int) throws {
        let bytes = try Corpus.bytes("rpm/S2-C3-NORM2.csv")
        let whole = DriverRun(RapiscanDriver(), bytes)
        let cut = Self.run(RapiscanDriver(), bytes, every: every, options: DriverOptions())
        let occupancies = whole.readings.filter { if case .radiationPortal(.occupancy) = $0 { true } else { false } }
        #expect(occupancies.count > 20)
        #expect(cut.readings == whole.readings)
        #expect(cut.frames == whole.frames)
        #expect(cut.counters == whole.counters)
    }

    @Test func aPortalMonitorTakesItsNewBackgroundIntervalAtOnce() throws {
        let bytes = try Corpus.bytes("rpm/S2-C3-NORM2.csv")
        var thirty = DriverOptions()
        thirty.backgroundIntervalS = 30
        let fresh = DriverRun(RapiscanDriver(options: thirty), bytes)
        let taken = Self.run(RapiscanDriver(), bytes, every: bytes.count, options: thirty)
        let sixty = DriverRun(RapiscanDriver(), bytes)
        func backgrounds(_ r: DriverRun) -> Int {
            r.readings.filter { if case .radiationPortal(.background) = $0 { true } else { false } }.count
        }
        #expect(backgrounds(fresh) > backgrounds(sixty), "the corpus spans enough time for the interval to matter")
        #expect(taken.readings == fresh.readings)
    }

    @Test func aGPSFeedCutAnywhereKeepsItsFixes() throws {
        let bytes = try Corpus.bytes("nmea/garmin17n.log")
        let whole = DriverRun(NMEADriver(), bytes)
        #expect(!whole.fixes.isEmpty)
        let cut = Self.run(NMEADriver(), bytes, every: 13, options: DriverOptions())
        #expect(cut.readings == whole.readings && cut.counters == whole.counters)
    }

    @Test func aTrackerKeepsItsLoginAndHalfAFrameAcrossNewSettings() throws {
        let rows = try TrackerCorpus.rows("tracker/gt06-frames.jsonl").filter(\.crcValid)
        let bytes = rows.flatMap(\.bytes)
        let whole = DriverRun(GT06Driver(), bytes)
        #expect(whole.fixes.count > 10)
        let cut = Self.run(GT06Driver(), bytes, every: 11, options: DriverOptions())
        #expect(cut.readings == whole.readings && cut.replies == whole.replies && cut.counters == whole.counters)
    }
}
