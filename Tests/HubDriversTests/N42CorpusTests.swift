import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The N42.42 files in ../shared/corpus/n42, through the live driver. Expected values were read from
/// the files themselves (CountedZeroes expanded by hand-written Python, not by this code).
struct N42CorpusTests {
    static func run(_ file: String, chunk: Int = 65_536) throws -> DriverRun {
        DriverRun(N42Driver(), try Corpus.bytes("n42/\(file)"), chunk: chunk)
    }

    static func time(_ s: String) -> Date { Timestamp.parse(s)! }

    @Test func detxBackground2012() throws {
        let r = try Self.run("detx_background.n42", chunk: 1000)
        #expect(r.counters.frames == 1 && r.counters.rejectedTotal == 0)
        let file = try Corpus.bytes("n42/detx_background.n42")
        // The document is archived whole, up to its root's close; the line end after it is no document.
        #expect(r.frames.count == 1 && r.frames[0] == Array(file.prefix(r.frames[0].count)))
        #expect(file.dropFirst(r.frames[0].count).allSatisfy { $0 == 10 || $0 == 13 })
        let m = try #require(r.measurements.first)
        #expect(r.measurements.count == 1)
        #expect(m.standard == .n42_2012)
        #expect(m.classCode == "Background")
        #expect(m.startedAt == Self.time("2013-12-26T21:15:00Z"))
        #expect(m.realTimeS == 300.865173)
        #expect(m.spectra.count == 1)
        let s = m.spectra[0]
        #expect(s.channels.count == 16384)
        #expect(s.totalCounts == 24794)
        #expect(s.liveTimeS == 300)
        #expect(s.channels[489] == 90)
        #expect(s.energyCalibration == [-0.319999993, 0.488827527, 0])
        #expect(s.category == "Gamma")
        #expect(m.warnings.isEmpty)
    }

    @Test func fiveSamplesTwoDetectors2012() throws {
        let r = try Self.run("5samples_2dets_peaks_on_3.n42")
        #expect(r.measurements.count == 5)
        #expect(r.measurements.map(\.id) == ["Sample1", "Sample2", "Sample3", "Sample4", "Sample5"])
        #expect(r.measurements.map(\.index) == [1, 2, 3, 4, 5])
        #expect(r.measurements.allSatisfy { $0.count == 5 && $0.spectra.count == 2 && $0.realTimeS == 315 })
        #expect(r.measurements.allSatisfy { $0.startedAt == nil }, "the file gives no start times")
        let totals = r.measurements.flatMap { $0.spectra.map(\.totalCounts) }
        let expected = [10340.000002, 10440.000004, 10440.000004, 10640.000006, 10540.000006, 10840.000027, 10640.000006,
                        11040.000007, 10740.000003, 11240.0]
        for (got, want) in zip(totals, expected) { #expect(abs(got - want) < 1e-6) }
        #expect(r.measurements.flatMap(\.spectra).allSatisfy { $0.channels.count == 1024 && $0.liveTimeS == 300 })
        #expect(r.measurements[0].spectra.map(\.detector) == ["Aa1", "Ba2"])
        #expect(r.measurements[0].spectra[0].energyCalibration == [0, 3, 0])
        #expect(r.measurements[2].spectra[0].channels[220] == 69.804703)
    }

    @Test func mn56WithAnUndeclaredPrefixIsReadAndFlagged() throws {
        let r = try Self.run("Mn56_DetX_Shielded.n42", chunk: 4096)
        #expect(r.counters.rejectedTotal == 0)
        let m = try #require(r.measurements.first)
        #expect(r.measurements.count == 1)
        #expect(m.instrument.manufacturer == "ORTEC" && m.instrument.model == "Detective X")
        #expect(m.detectors.first?.kind == "HPGe")
        #expect(m.startedAt == Self.time("2013-12-26T21:15:00Z"))
        #expect(m.realTimeS == 1824.650024)
        #expect(m.spectra[0].channels.count == 16384)
        #expect(m.spectra[0].totalCounts == 698_514)
        #expect(m.spectra[0].liveTimeS == 1800)
        #expect(m.spectra[0].channels[1733] == 5621)
        #expect(m.warnings.contains { $0.contains("undeclared namespace prefix DHS") })
    }

    @Test func kromekD3SWithAnOddTimeOffset() throws {
        let r = try Self.run("SGM200615_SearchMode_1.xml")
        let m = try #require(r.measurements.first)
        #expect(r.measurements.count == 1)
        // 12:21:47 at -05:00, written `-0500`.
        #expect(m.startedAt == Self.time("2023-07-10T17:21:47Z"))
        #expect(m.warnings.contains { $0.contains("time offset without colon") })
        #expect(m.warnings.contains { $0.contains("exceeds real time") }, "live 5.97 s in a 3 s measurement")
        #expect(m.instrument.manufacturer == "Kromek" && m.instrument.identifier == "SGM200615")
        #expect(m.instrument.versions["Firmware"] == "3.81")
        #expect(m.realTimeS == 3)
        #expect(m.spectra.count == 1)
        #expect(m.spectra[0].channels.count == 512)
        #expect(m.spectra[0].totalCounts == 595)
        #expect(m.spectra[0].liveTimeS == 5.97)
        #expect(m.spectra[0].energyCalibration == [2.9296875, 5.859375, 0])
        #expect(m.grossCounts == [.init(detector: "RadDetectorInformation-2", category: "Neutron", counts: 0, liveTimeS: 5.97)])
        #expect(m.doseRates.map(\.uSvPerH) == [0])
        #expect(m.latitude == 34.666010 && m.longitude == -86.780194)
        let alarm = try #require(r.alarms.first)
        #expect(r.alarms.count == 1)
        #expect(alarm.nuclides == [.init(name: "Cs-137", confidence: 100)])
        #expect(alarm.radiation == "gamma")
        #expect(alarm.algorithm == "PCS")
    }

    @Test func q67MobileSurvey2006() throws {
        let r = try Self.run("Q67_Mobile.N42", chunk: 100_000)
        #expect(r.counters.rejectedTotal == 0)
        #expect(r.measurements.count == 490)
        #expect(r.measurements.allSatisfy { $0.standard == .n42_2006 && $0.spectra.count == 2 && $0.grossCounts.count == 2 })
        let spectra = r.measurements.flatMap(\.spectra)
        #expect(spectra.count == 980)
        #expect(spectra.allSatisfy { $0.channels.count == 1024 && $0.energyCalibration == [0, 3] },
                "the calibration is declared after the spectra that use it")
        #expect(spectra.reduce(0) { $0 + $1.totalCounts } == 2_054_820)
        #expect(spectra.prefix(2).map(\.totalCounts) == [1869, 1926])
        #expect(spectra.suffix(2).map(\.totalCounts) == [1963, 1986])
        let first = r.measurements[0], last = r.measurements[489]
        #expect(first.startedAt == Self.time("2024-08-15T19:56:49Z"))
        #expect(last.startedAt == Self.time("2024-08-15T20:04:58Z"))
        #expect(first.realTimeS == 0.99999)
        #expect(first.spectra.map(\.liveTimeS) == [0.99959, 0.99974])
        #expect(last.spectra.map(\.liveTimeS) == [0.99933, 0.99954])
        #expect(first.instrument.model == "RS-605" && first.instrument.identifier == "251")
        #expect(first.latitude == 46.28628 && first.longitude == -119.27439 && first.altitudeM == 137.00001)
        #expect(first.doseRates.map(\.uSvPerH) == [0.04578, 0.05005])
        #expect(r.measurements.flatMap(\.grossCounts).reduce(0) { $0 + $1.counts } == 593)
        #expect(first.grossCounts.allSatisfy { $0.category == "Neutron" })
        // Slices 127–135 carry the instrument's gamma alarm flag.
        #expect(r.measurements.filter(\.alarmed).map(\.index) == Array(127...135))
        #expect(r.alarms.count == 9)
        #expect(r.alarms.allSatisfy { $0.radiation == "gamma" && $0.measurements.count == 1 })
    }

    @Test(arguments: ["detx_background.n42", "5samples_2dets_peaks_on_3.n42", "Mn56_DetX_Shielded.n42",
                      "SGM200615_SearchMode_1.xml", "Q67_Mobile.N42"])
    func everyChunkingGivesTheSameReadings(_ file: String) throws {
        let whole = try Self.run(file)
        let small = try Self.run(file, chunk: 997)
        #expect(whole.readings == small.readings)
        #expect(whole.counters.readings == whole.readings.count)
    }
}
