import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The Rapiscan Labs sample feeds in ../shared/corpus/rpm, through the live driver.
struct RapiscanCorpusTests {
    struct Decoded {
        var starts: [RadiationPortalReading.OccupancyStart] = []
        var occupancies: [RadiationPortalReading.Occupancy] = []
        var alarms: [RadiationPortalReading.AlarmStart] = []
        var backgrounds = 0
        var frames: [UInt8] = []
        var counters = DecodeCounters()
    }

    static func decode(_ file: String, chunk: Int = 4096) throws -> Decoded {
        let bytes = try Corpus.bytes(file)
        var driver = RapiscanDriver()
        var steps: [DriverStep] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            driver.push(bytes[offset..<end], receivedAt: Date(), into: &steps)
            offset = end
        }
        driver.finish(receivedAt: Date(), into: &steps)
        var d = Decoded()
        for s in steps {
            switch s {
            case .frame(let f): d.frames += f
            case .reading(.radiationPortal(.occupancyStarted(let o)), _): d.starts.append(o)
            case .reading(.radiationPortal(.occupancy(let o)), _): d.occupancies.append(o)
            case .reading(.radiationPortal(.alarmStarted(let a)), _): d.alarms.append(a)
            case .reading(.radiationPortal(.background), _): d.backgrounds += 1
            default: break
            }
        }
        d.counters = driver.counters
        return d
    }

    @Test func gammaAlarmFeedGives25AlarmingOccupancies() throws {
        let d = try Self.decode("rpm/S2-C3-NORM2.csv")
        #expect(d.occupancies.count == 25)
        #expect(d.occupancies.allSatisfy { $0.gammaAlarm && !$0.neutronAlarm && !$0.partial })
        #expect(d.alarms.count == 25)
        #expect(d.occupancies.map { $0.number! } == Array(109...133))
        // First passage, checked by hand against the file: NS at 15:05:00.378, GX at 15:05:11.151 (-07).
        let first = d.occupancies[0]
        #expect(first.startedAt == Date(timeIntervalSince1970: 1_464_818_700.378))
        #expect(first.endedAt == Date(timeIntervalSince1970: 1_464_818_711.151))
        #expect(first.neutronBackgroundCps == 6.383)
        #expect(first.speedKmh == 8.07)
        #expect(first.maxGammaCps == 3885)
        #expect(d.counters.rejectedTotal == 0)
        // Every vehicle the monitor closed with a GX was announced when it entered, with the same time.
        #expect(d.starts.count == d.occupancies.count)
        #expect(d.starts.map(\.startedAt) == d.occupancies.map(\.startedAt))
        // Codes the driver does not interpret are kept and counted (numbers from the file itself).
        #expect(d.counters.unknownCodes["AS"] == 1724)
        #expect(d.counters.unknownCodes["NZ"] == 292)
        #expect(d.counters.unknownTotal == 10_750)
        #expect(d.counters.frames == 13_857)
        #expect(d.frames == (try Corpus.bytes("rpm/S2-C3-NORM2.csv")), "every byte reaches the archive")
    }

    @Test func quietFeedGives25OccupanciesAndNoAlarm() throws {
        let d = try Self.decode("rpm/S2-C0-NONE.csv", chunk: 17)
        #expect(d.occupancies.count == 25)
        #expect(d.occupancies.allSatisfy { !$0.gammaAlarm && !$0.neutronAlarm })
        #expect(d.alarms.isEmpty)
        #expect(d.starts.count == 25)
        #expect(d.starts.map(\.startedAt) == d.occupancies.map(\.startedAt))
        #expect(d.counters.frames == 12_229)
        #expect(d.counters.rejectedTotal == 0)
        // Background every 5 s becomes one summary a minute, not one event per line.
        #expect(d.backgrounds > 10 && d.backgrounds < 80)
    }
}
