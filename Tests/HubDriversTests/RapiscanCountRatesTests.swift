import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The count-rate series read from a record of the monitor's lines agrees with what the driver
/// itself reports of the same occupancies: every one of the corpus file's occupancies, cut out
/// the way the hub archives them (the lines up to and including each GX).
struct RapiscanCountRatesTests {
    @Test func everyCorpusOccupancysSeriesAgreesWithTheDriversReadings() throws {
        let file = "rpm/S2-C3-NORM2.csv"
        let decoded = try RapiscanCorpusTests.decode(file)
        let lines = try Corpus.bytes(file).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var records: [[UInt8]] = []
        var current: [UInt8] = []
        for line in lines {
            current += line + [UInt8(ascii: "\n")]
            if line.starts(with: Array("GX".utf8)) {
                records.append(current)
                current = []
            }
        }
        #expect(records.count == decoded.occupancies.count && records.count > 20)
        var alarms = decoded.alarms.makeIterator()
        for (i, (record, occupancy)) in zip(records, decoded.occupancies).enumerated() {
            let s = RapiscanCountRates.read(record)
            #expect(s.ended, "occupancy \(i)")
            #expect(s.timing == .recorded, "the corpus lines carry the recorder's times")
            #expect(s.gamma.count == occupancy.gammaSamples && s.neutron.count == occupancy.neutronSamples, "occupancy \(i)")
            let peak = s.gamma.flatMap(\.detectorsCps).max()
            #expect(peak.map { abs($0 - (occupancy.maxGammaCps ?? -1)) < 0.001 } == true, "occupancy \(i) peak")
            #expect(s.gammaBackgroundDetectorsCps?.reduce(0, +) == occupancy.gammaBackgroundCps, "occupancy \(i) background")
            // Offsets are the recorder's times after the first scan line, which opened the occupancy.
            let first = [s.gamma.first?.offsetS, s.neutron.first?.offsetS].compactMap { $0 }.min()
            #expect(first == 0)
            let last = (s.gamma + s.neutron).map(\.offsetS).max() ?? -1
            let started = try #require(occupancy.startedAt), ended = try #require(occupancy.endedAt)
            let duration = ended.timeIntervalSince(started)
            #expect(last > 0 && last <= duration + 0.001, "occupancy \(i): last sample \(last) s of \(duration) s")
            if occupancy.gammaAlarm, let alarm = alarms.next() {
                let at = try #require(s.gamma.first { $0.alarm })
                let raised = try #require(alarm.observedAt)
                #expect(abs(at.offsetS - raised.timeIntervalSince(started)) < 0.0015, "occupancy \(i) alarm time")
                #expect(at.detectorsCps == alarm.detectorsCps.map { ($0 * 1000).rounded() / 1000 }, "occupancy \(i) alarm rates")
            }
        }
    }

    /// Lines as a monitor sends them (no times, CR LF): offsets are sample lengths; a second
    /// occupancy in one record replaces the first, with the background in force when it began.
    @Test func withoutTimesOffsetsAreSampleLengths() {
        let text = "GB,000100,000100,000100,000100\r\nGS,000010,000020,000030,000040\r\nGX,000001\r\n"
            + "GB,000200,000200,000200,000200\r\nNS,000003,000000,000001,000000\r\nGS,000011,000021,000031,000041\r\n"
            + "GA,000050,000060,000070,000080\r\nGX,000002\r\n"
        var options = DriverOptions()
        options.gammaSampleIntervalS = 0.1
        let s = RapiscanCountRates.read(Array(text.utf8), options: options)
        #expect(s.timing == .sampleInterval && s.ended)
        #expect(s.gamma.map(\.offsetS) == [0, 0.1])
        #expect(s.gamma.map(\.detectorsCps) == [[110, 210, 310, 410], [500, 600, 700, 800]])
        #expect(s.gamma.map(\.alarm) == [false, true])
        #expect(s.neutron == [.init(offsetS: 0, detectorsCps: [3, 0, 1, 0], alarm: false)])
        #expect(s.gammaBackgroundDetectorsCps == [200, 200, 200, 200])
    }
}
