import Foundation
import HubDrivers
import HubModel
import Testing

/// The occupancy state machine, driven line by line with explicit times.
struct RapiscanOccupancyMachineTests {
    private var machine = RapiscanOccupancyMachine()
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    private mutating func feed(_ text: String, at seconds: Double) -> [RapiscanOccupancyMachine.Output] {
        let line = RapiscanLine.parse(Array(text.utf8)[...])!
        return machine.handle(line, at: t0.addingTimeInterval(seconds)) ?? []
    }

    @Test mutating func oneOccupancyPerGXWithAlarmPeaksAndSpeed() throws {
        _ = feed("GB,000400,000400,000400,000400", at: 0)
        var outputs: [RapiscanOccupancyMachine.Output] = []
        outputs += feed("NS,000001,000000,000002,000000", at: 10)
        outputs += feed("GS,000070,000071,000072,000073", at: 10.2)
        outputs += feed("GA,000200,000250,000070,000070", at: 10.4)
        outputs += feed("GA,000300,000250,000070,000070", at: 10.6)
        outputs += feed("SP,0.1221,05.584,008.99,000000", at: 10.7)
        outputs += feed("GS,000070,000071,000072,000073", at: 10.8)
        #expect(machine.isOccupied)
        outputs += feed("GX,000109,006383,000000,000000", at: 12)
        #expect(!machine.isOccupied)
        // The start at the first line, the alarm at its first line, once, each pointing only at its line.
        try #require(outputs.count == 3)
        let start = try #require(outputs[0].reading.occupancyStarted, "unexpected outputs \(outputs)")
        let alarm = try #require(outputs[1].reading.alarmStarted, "unexpected outputs \(outputs)")
        let occ = try #require(outputs[2].reading.occupancy, "unexpected outputs \(outputs)")
        #expect(start.startedAt == t0.addingTimeInterval(10))
        #expect(outputs[0].span == .lastFrame)
        #expect(outputs[1].span == .lastFrame)
        #expect(alarm.radiation == .gamma)
        #expect(alarm.detectorsCps == [1000, 1250, 350, 350])
        #expect(outputs[2].span == .segment)
        #expect(occ.number == 109)
        #expect(occ.gammaAlarm && !occ.neutronAlarm)
        #expect(occ.startedAt == t0.addingTimeInterval(10))
        #expect(occ.endedAt == t0.addingTimeInterval(12))
        #expect(occ.maxGammaCps == 1500)
        #expect(occ.maxNeutronCps == 2)
        #expect(occ.speedKmh == 8.99)
        #expect(occ.gammaSamples == 4)
        #expect(occ.neutronSamples == 1)
        #expect(occ.gammaBackgroundCps == 1600)
        #expect(occ.neutronBackgroundCps == 6.383)
        #expect(!occ.partial)
    }

    @Test mutating func neutronAlarmAndAGXWithoutItsStart() throws {
        let first = feed("GX,000005,001000,000000,000000", at: 1)
        // A GX whose start was never seen closes a partial occupancy, and no start is made up for it.
        try #require(first.count == 1, "unexpected outputs \(first)")
        let partial = try #require(first.first?.reading.occupancy, "no occupancy from a bare GX")
        #expect(partial.partial)
        #expect(partial.startedAt == partial.endedAt)
        let opening = feed("NA,000009,000001,000000,000000", at: 2)
        #expect(feed("NA,000012,000001,000000,000000", at: 3).isEmpty, "one alarm per occupancy")
        // An occupancy opened by an alarm line: the start, then the alarm sharing that line's record.
        try #require(opening.count == 2, "unexpected outputs \(opening)")
        #expect(opening[0].reading.occupancyStarted?.startedAt == t0.addingTimeInterval(2))
        #expect(opening[0].span == .lastFrame)
        #expect(opening[1].reading.alarmStarted?.radiation == .neutron)
        #expect(opening[1].span == .previous)
        let end = feed("GX,000006,001000,000000,000000", at: 4)
        let occ = try #require(end.first?.reading.occupancy, "no occupancy from the GX that ends the neutron alarm")
        #expect(occ.neutronAlarm && !occ.gammaAlarm)
        #expect(occ.maxNeutronCps == 12)
        #expect(occ.speedKmh == nil, "speed from an earlier vehicle is not carried over")
    }

    @Test mutating func theStartComesAtTheFirstScanLineOncePerVehicleAndNotOnBackground() throws {
        var starts: [(at: Double, reading: RadiationPortalReading.OccupancyStart, span: RawSpan)] = []
        var ends: [RadiationPortalReading.Occupancy] = []
        func collect(_ outputs: [RapiscanOccupancyMachine.Output], at seconds: Double) {
            for o in outputs {
                if let s = o.reading.occupancyStarted { starts.append((seconds, s, o.span)) }
                if let e = o.reading.occupancy { ends.append(e) }
            }
        }
        // A lane that stays empty for a minute: background, which never opens a vehicle.
        for i in 0..<12 {
            collect(feed("GB,000400,000400,000400,000400", at: Double(i) * 5), at: Double(i) * 5)
            collect(feed("NB,000002,000000,000001,000000", at: Double(i) * 5 + 0.1), at: Double(i) * 5 + 0.1)
        }
        #expect(starts.isEmpty && !machine.isOccupied)
        // Two vehicles nose to tail: each opens with a neutron or gamma scan line and closes with its GX.
        let vehicles: [(opening: String, at: Double, number: Int)] = [
            ("NS,000001,000000,000002,000000", 60, 21), ("GS,000070,000071,000072,000073", 64.5, 22),
        ]
        for v in vehicles {
            collect(feed(v.opening, at: v.at), at: v.at)
            #expect(starts.count == ends.count + 1, "the start is reported at the vehicle's first line")
            for k in 1...15 {
                let line = k % 5 == 0 ? "NS,000001,000000,000002,000000" : "GS,000071,000072,000073,000074"
                collect(feed(line, at: v.at + Double(k) * 0.2), at: v.at + Double(k) * 0.2)
            }
            collect(feed(String(format: "GX,%06d,006383,000000,000000", v.number), at: v.at + 3.4), at: v.at + 3.4)
        }
        try #require(starts.count == 2 && ends.count == 2, "starts \(starts.map(\.at)), ends \(ends.count)")
        #expect(starts.map(\.at) == [60, 64.5])
        #expect(starts.allSatisfy { $0.span == .lastFrame })
        // Each start is the start its GX reports, so the two can be paired by time alone.
        #expect(starts.map(\.reading.startedAt) == ends.map(\.startedAt))
        #expect(ends.map(\.number) == [21, 22] && ends.allSatisfy { !$0.partial })
    }

    @Test mutating func backgroundIsSummarizedOncePerInterval() {
        var summaries: [RadiationPortalReading.BackgroundSummary] = []
        for i in 0..<25 {  // every 5 s for two minutes
            for o in feed("GB,00040\(i % 10),000400,000400,000400", at: Double(i) * 5)
                + feed("NB,000002,000000,000001,000000", at: Double(i) * 5 + 0.1)
            {
                if case .background(let b) = o.reading { summaries.append(b) }
            }
        }
        #expect(summaries.count == 2)
        #expect(summaries[0].gammaLines == 13)
        #expect(summaries[0].neutronLines == 12)
        #expect(summaries[0].neutronCps == 3)
        #expect(summaries[0].gammaDetectorsCps.count == 4)
        #expect(summaries[0].windowStartedAt == t0)
    }

    @Test mutating func faultsAreReportedOnChangeAndThrottledWhileTheyLast() {
        var faults: [RadiationPortalReading.Fault] = []
        func collect(_ outputs: [RapiscanOccupancyMachine.Output]) {
            for o in outputs { if case .fault(let f) = o.reading { faults.append(f) } }
        }
        for i in 0..<150 { collect(feed("GH,009000,009000,009000,009000", at: Double(i) * 0.2 + 100)) }  // 30 s
        #expect(faults.count == 1)
        for i in 0..<200 { collect(feed("GH,009000,009000,009000,009000", at: Double(i) * 0.2 + 130)) }  // 40 s more
        #expect(faults.count == 2)
        #expect(faults[1].lines > 100)
        collect(feed("GB,000400,000400,000400,000400", at: 200))
        #expect(faults.count == 3)
        #expect(faults[2].active == false)
        #expect(faults.allSatisfy { $0.code == .gammaHigh })
    }

    @Test mutating func tamperOnlyOnChange() throws {
        #expect(feed("TC,0", at: 0).isEmpty, "a closed cabinet at start is not news")
        #expect(feed("TT,1", at: 1).count == 1)
        #expect(feed("TT,1", at: 2).isEmpty)
        let cleared = feed("TC,0", at: 3)
        let t = try #require(cleared.first?.reading.tamper, "tamper clear not reported")
        #expect(!t.tampered)
    }

    @Test mutating func setupBlocksComeOutWhole() throws {
        #expect(feed("SG1,000010,000020", at: 0).isEmpty)
        #expect(feed("SG2,000030", at: 0).isEmpty)
        let out = feed("SG3,000040", at: 0)
        let s = try #require(out.first?.reading.setup, "setup not reported")
        #expect(s.radiation == "gamma")
        #expect(s.fields == ["SG1": ["000010", "000020"], "SG2": ["000030"], "SG3": ["000040"]])
        #expect(feed("SN1,5", at: 1).isEmpty)
        #expect(feed("SN2,6", at: 1).count == 1)
    }

    @Test mutating func malformedFieldsAreRefused() {
        let line = RapiscanLine.parse(Array("GS,0001x,000002".utf8)[...])!
        #expect(machine.handle(line, at: t0) == nil)
        let sp = RapiscanLine.parse(Array("SP,abc".utf8)[...])!
        #expect(machine.handle(sp, at: t0) == nil)
        #expect(!machine.isOccupied)
    }
}

/// Each case's payload or nil, so a test can `#require` the one it expects and fail when it is missing.
extension RadiationPortalReading {
    fileprivate var occupancyStarted: OccupancyStart? { if case .occupancyStarted(let s) = self { s } else { nil } }
    fileprivate var alarmStarted: AlarmStart? { if case .alarmStarted(let a) = self { a } else { nil } }
    fileprivate var occupancy: Occupancy? { if case .occupancy(let o) = self { o } else { nil } }
    fileprivate var tamper: Tamper? { if case .tamper(let t) = self { t } else { nil } }
    fileprivate var setup: Setup? { if case .setup(let s) = self { s } else { nil } }
}
