import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The gpsd regression captures in ../shared/corpus/nmea, one test per receiver. Expected values are
/// read off the sentences themselves (ddmm.mmmm written out) and the times gpsd reports in the `.chk`.
struct NMEACorpusTests {
    static func decode(_ log: String, chunk: Int = 37) throws -> DriverRun {
        DriverRun(NMEADriver(), bytes: try Corpus.bytes("nmea/" + log), chunk: chunk)
    }

    static func time(_ s: String) -> Date { Timestamp.parse(s)! }

    static func near(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    @Test func bu353GlonassRMCAndGGAWithZDA() throws {
        let r = try Self.decode("bu353-glonass.log")
        #expect(r.fixes.count == 17)
        let first = try #require(r.fixes.first)
        // $GNRMC,081411.000,A,5541.1955,N,03737.2872,E,0.60,301.29,260514,,,A*74
        #expect(first.source == "RMC" && first.talker == "GN")
        #expect(Self.near(first.lat, 55 + 41.1955 / 60) && Self.near(first.lon, 37 + 37.2872 / 60))
        #expect(first.observedAt == Self.time("2014-05-26T08:14:11Z"))
        #expect(Self.near(first.speedKmh, 0.60 * 1.852) && first.courseDeg == 301.29)
        // $GPGGA,081412.000,5541.1956,N,03737.2877,E,1,5,4.87,66.2,M,…: date carried from the RMC.
        let gga = r.fixes[1]
        #expect(gga.source == "GGA" && gga.talker == "GP" && gga.observedAt == Self.time("2014-05-26T08:14:12Z"))
        #expect(gga.satellites == 5 && gga.hdop == 4.87 && gga.altitudeM == 66.2 && gga.fixQuality == 1)
        #expect(r.counters.unknownCodes["GSV"] == 18)
        #expect(r.counters.rejected["checksum"] == nil)
    }

    @Test func garmin17nDifferentialFixInRMCGGAAndGLL() throws {
        let r = try Self.decode("garmin17n.log")
        #expect(r.fixes.map(\.source) == ["RMC", "GGA", "GLL", "RMC", "GGA", "GLL"])
        let rmc = r.fixes[0]
        // $GPRMC,093802,A,5213.1439,N,02100.6511,E,000.0,226.0,160305,004.2,E,D*15
        #expect(Self.near(rmc.lat, 52 + 13.1439 / 60) && Self.near(rmc.lon, 21 + 0.6511 / 60))
        #expect(rmc.fixQuality == 2, "mode indicator D is a differential fix")
        #expect(rmc.observedAt == Self.time("2005-03-16T09:38:02Z"))
        #expect(r.fixes[1].satellites == 10 && r.fixes[1].altitudeM == 137.2 && r.fixes[1].hdop == 0.9)
        #expect(r.counters.unknownCodes["PGRME"] == 2, "Garmin proprietary sentences are counted by name")
    }

    @Test func gr8013GNTalkerWithGSTAndGBS() throws {
        let r = try Self.decode("gr8013-w.log")
        #expect(r.fixes.count == 9)
        #expect(r.fixes.allSatisfy { $0.talker == "GN" })
        let first = r.fixes[0]
        // $GNRMC,181141.00,A,5230.88855,N,01327.85591,E,0.031,,190615,,,A*61 (no course given)
        #expect(Self.near(first.lat, 52 + 30.88855 / 60) && Self.near(first.lon, 13 + 27.85591 / 60))
        #expect(first.courseDeg == nil)
        #expect(first.observedAt == Self.time("2015-06-19T18:11:41Z"))
        #expect(r.fixes[1].satellites == 12 && r.fixes[1].altitudeM == 62.6)
        #expect(r.counters.unknownCodes["GST"] == 3 && r.counters.unknownCodes["GBS"] == 3)
    }

    @Test func habGpspiVTGSpeedCarriedIntoGGA() throws {
        let r = try Self.decode("hab-gpspi.log")
        #expect(r.fixes.count == 9)
        let first = r.fixes[0]
        // $GNRMC,092835.00,A,4804.14539,N,01621.54005,E,0.250,,210615,,,A*6F
        #expect(Self.near(first.lat, 48 + 4.14539 / 60) && Self.near(first.lon, 16 + 21.54005 / 60))
        #expect(first.observedAt == Self.time("2015-06-21T09:28:35Z"))
        // The GGA of the same second takes the VTG's km/h figure (0.463).
        #expect(r.fixes[1].source == "GGA" && r.fixes[1].speedKmh == 0.463)
    }

    @Test func magellan315GLLBeforeAnyDateHasNoDeviceTime() throws {
        let r = try Self.decode("magellan315.log")
        #expect(r.fixes.count == 9)
        let gll = r.fixes[0]
        // $GPGLL,3908.8199,N,00023.0832,W,120824.758,A*22: west is negative.
        #expect(gll.source == "GLL" && Self.near(gll.lat, 39 + 8.8199 / 60) && Self.near(gll.lon, -(23.0832 / 60)))
        #expect(gll.observedAt == nil, "no RMC or ZDA has given a date yet")
        let rmc = try #require(r.fixes.first { $0.source == "RMC" })
        #expect(rmc.observedAt.map(Timestamp.format)?.hasPrefix("2005-03-13T12:08:") == true)
        #expect(r.fixes.last?.observedAt == Self.time("2005-03-13T12:08:29.5Z"))
    }

    @Test func mtk3329WithPMTKReplies() throws {
        let r = try Self.decode("mtk-3329.log")
        #expect(r.fixes.count == 9)
        let first = r.fixes[0]
        // $GPRMC,102127.000,A,5129.0623,N,00632.2911,E,0.33,30.68,210211,,,A*51
        #expect(Self.near(first.lat, 51 + 29.0623 / 60) && Self.near(first.lon, 6 + 32.2911 / 60))
        #expect(first.observedAt == Self.time("2011-02-21T10:21:27Z"))
        #expect(r.counters.unknownCodes["PMTK001"] == 1 && r.counters.unknownCodes["PMTK705"] == 1)
    }

    @Test func fuzzyCasesKeepEveryDigitOfLongCoordinates() throws {
        let r = try Self.decode("nmea-fuzzy-cases.log")
        #expect(r.fixes.count == 28)
        // gpsd: lat 41.574970205, lon -93.750558641 for 4134.49821229,N / 09345.03351845,W.
        let first = r.fixes[0]
        #expect(Self.near(first.lat, 41 + 34.49821229 / 60, 1e-12) && Self.near(first.lon, -(93 + 45.03351845 / 60), 1e-12))
        #expect(Self.near(first.lat, 41.574970205, 1e-9) && Self.near(first.lon, -93.750558641, 1e-9))
        #expect(first.fixQuality == 2 && first.altitudeM == 278.020 && first.satellites == 9)
        #expect(r.fixes[1].observedAt == Self.time("2020-03-18T13:28:20.600Z"))
        // Lines over 82 bytes (RTK receivers) are still sentences.
        #expect(r.counters.rejected["overlong"] == nil)
        #expect(r.fixes.last?.fixQuality == 4, "RTK fixed from the GGA of the same epoch")
    }

    @Test func quectelBadChecksumIsCountedAndQuirksKept() throws {
        let r = try Self.decode("quectel-eg25-g-2.log")
        #expect(r.fixes.count == 6)
        let first = r.fixes[0]
        // $GPGGA,051347.00,6001.336799,N,03014.169008,E,1,05,0.9,16.5,M,…
        #expect(Self.near(first.lat, 60 + 1.336799 / 60) && Self.near(first.lon, 30 + 14.169008 / 60))
        #expect(r.fixes[1].observedAt == Self.time("2022-09-20T05:13:47Z"))
        #expect(r.counters.rejected["checksum"] == 1)
        #expect(r.counters.unknownCodes["PQGSV"] == 12 && r.counters.unknownCodes["GNS"] == 3)
    }

    @Test func skytraqErrorLinesWithoutChecksumGiveNothing() throws {
        let r = try Self.decode("skytraq-err.log")
        #expect(r.fixes.isEmpty)
        #expect(r.counters.rejected["checksum"] == 6, "the six $STI lines carry no checksum")
    }

    @Test func tn204ThreeDigitMinutesAndRouteSentences() throws {
        let r = try Self.decode("tn204.log")
        #expect(r.fixes.count == 12)
        let first = r.fixes[0]
        // $GPRMC,230148,A,3348.605,N,11821.126,W,000.0,209.4,261002,013.8,E*6B
        #expect(Self.near(first.lat, 33 + 48.605 / 60) && Self.near(first.lon, -(118 + 21.126 / 60)))
        #expect(first.observedAt == Self.time("2002-10-26T23:01:48Z") && first.courseDeg == 209.4)
        #expect(r.counters.unknownCodes["RTE"] == 4 && r.counters.unknownCodes["RMB"] == 4)
    }

    @Test func ubloxF9pHighPrecisionSentencesOver82Bytes() throws {
        let r = try Self.decode("ublox-f9p-hpnmea.log")
        #expect(r.fixes.count == 18)
        let first = r.fixes[0]
        // $GNRMC,014500.00,A,4404.1306024,N,12118.8446777,W,0.013,,231221,,,D,V*04
        #expect(Self.near(first.lat, 44 + 4.1306024 / 60) && Self.near(first.lon, -(121 + 18.8446777 / 60)))
        #expect(first.observedAt == Self.time("2021-12-23T01:45:00Z"))
        #expect(r.fixes[1].altitudeM == 1129.913 && r.fixes[1].fixQuality == 2 && r.fixes[1].satellites == 12)
        #expect(r.counters.unknownCodes["TXT"] == 3)
    }

    @Test func ubloxLea4sAllSixSentenceKinds() throws {
        let r = try Self.decode("ublox-lea-4s.log", chunk: 1)
        #expect(r.fixes.count == 9)
        let first = r.fixes[0]
        // $GPRMC,175504.00,A,3825.60966,N,02708.53787,E,0.142,113.02,111206,,,A*6F
        #expect(Self.near(first.lat, 38 + 25.60966 / 60) && Self.near(first.lon, 27 + 8.53787 / 60))
        #expect(first.observedAt == Self.time("2006-12-11T17:55:04Z"))
        #expect(r.fixes[1].hdop == 1.24 && r.fixes[1].altitudeM == 58.1)
        #expect(r.counters.rejectedTotal == r.counters.rejected["garbage"], "only the capture's comment lines")
    }
}
