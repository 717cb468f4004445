import Foundation
import HubDrivers
import HubModel
import Testing

/// NMEA 0183 as the standard writes it, sentence by sentence.
struct NMEADriverTests {
    /// A sentence with its checksum computed, CR LF included.
    static func sentence(_ body: String) -> String {
        let sum = body.utf8.reduce(UInt8(0)) { $0 ^ $1 }
        return "$" + body + "*" + Hex.encode([sum]).uppercased() + "\r\n"
    }

    static func run(_ bodies: [String]) -> DriverRun {
        DriverRun(NMEADriver(), bytes: Array(bodies.map(sentence).joined().utf8), chunk: 5)
    }

    @Test func badChecksumIsCountedAndNeverAFix() {
        var line = Self.sentence("GPRMC,120000,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E")
        line = line.replacingOccurrences(of: "4916.45", with: "4916.46")
        let r = DriverRun(NMEADriver(), bytes: Array(line.utf8))
        #expect(r.fixes.isEmpty)
        #expect(r.counters.rejected["checksum"] == 1)
        let missing = DriverRun(NMEADriver(), bytes: Array("$GPGGA,120000,4916.45,N,12311.12,W,1,08,0.9,545.4,M,,,,\r\n".utf8))
        #expect(missing.fixes.isEmpty && missing.counters.rejected["checksum"] == 1)
    }

    @Test func rmcGivesDegreesSpeedAndCourse() throws {
        let r = Self.run(["GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E"])
        let f = try #require(r.fixes.first)
        #expect(abs(f.lat - (49 + 16.45 / 60)) < 1e-12 && abs(f.lon + (123 + 11.12 / 60)) < 1e-12)
        #expect(abs(f.speedKmh! - 0.926) < 1e-9 && f.courseDeg == 54.7)
        #expect(f.observedAt == Timestamp.parse("1994-11-19T22:54:46Z"))
        #expect(f.fixQuality == 1 && f.talker == "GP" && f.source == "RMC")
    }

    @Test func onlyValidPositionsBecomeFixes() {
        let r = Self.run([
            "GPRMC,225446,V,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E",  // status V
            "GPGGA,225446,4916.45,N,12311.12,W,0,00,,,M,,M,,",  // quality 0
            "GPGLL,4916.45,N,12311.12,W,225446,V,N",  // status V
            "GPGLL,4916.45,N,12311.12,W",  // NMEA 1.5, no status
            "GPRMC,225446,A,,,,,000.5,054.7,191194,020.3,E",  // valid but empty position
            "GPGGA,225447,9916.45,N,12311.12,W,1,05,1.0,10.0,M,,M,,",  // latitude past 90°
        ])
        #expect(r.fixes.isEmpty)
        #expect(r.counters.rejected["malformed"] == 2)
    }

    @Test func everyTalkerIsAccepted() {
        let talkers = ["GP", "GN", "GL", "GA", "GB", "BD", "GQ"]
        let r = Self.run(talkers.map { "\($0)GGA,010203,0100.000,S,00200.000,E,1,07,1.1,5.0,M,,M,," })
        #expect(r.fixes.map { $0.talker ?? "" } == talkers)
        #expect(r.fixes.allSatisfy { $0.lat == -(1.0) && $0.lon == 2.0 })
    }

    @Test func dateCarriesFromRMCAndZDAAcrossMidnight() {
        let r = Self.run([
            "GPZDA,235959.00,31,12,2023,00,00",
            "GPGGA,235959.50,0100.000,N,00100.000,E,1,07,1.1,5.0,M,,M,,",
            "GPGGA,000000.50,0100.000,N,00100.000,E,1,07,1.1,5.0,M,,M,,",
            "GPGLL,0100.000,N,00100.000,E,000001.00,A,A",
        ])
        #expect(r.fixes.map { $0.observedAt.map(Timestamp.format) } == [
            "2023-12-31T23:59:59.500Z", "2024-01-01T00:00:00.500Z", "2024-01-01T00:00:01.000Z",
        ])
    }

    @Test func epochFieldsCarryBetweenSentencesOfTheSameSecond() {
        let r = Self.run([
            "GNRMC,101010.00,A,0100.000,N,00100.000,E,10.0,90.0,010124,,,R",
            "GNVTG,91.0,T,,M,10.0,N,18.6,K,R",
            "GNGGA,101010.00,0100.000,N,00100.000,E,4,21,0.6,12.5,M,,M,,",
            "GNGSA,A,3,01,02,03,,,,,,,,,,1.2,0.6,1.0",
            "GNGGA,101011.00,0100.000,N,00100.000,E,5,20,0.7,12.6,M,,M,,",
        ])
        #expect(r.fixes.count == 3)
        #expect(r.fixes[0].fixQuality == 4, "mode indicator R is RTK fixed")
        #expect(r.fixes[1].speedKmh == 18.6 && r.fixes[1].courseDeg == 91.0 && r.fixes[1].altitudeM == 12.5)
        #expect(r.fixes[2].speedKmh == nil, "a new second starts a new epoch")
        #expect(r.fixes[2].fixQuality == 5 && r.fixes[2].hdop == 0.7)
    }

    @Test func oldVTGWithoutUnitLetters() {
        let r = Self.run(["GPGGA,101010,0100.000,N,00100.000,E,1,05,1.0,1.0,M,,M,,", "GPVTG,054.7,034.4,005.5,010.2",
                          "GPGLL,0100.000,N,00100.000,E,101010,A"])
        #expect(r.fixes.last?.speedKmh == 10.2 && r.fixes.last?.courseDeg == 54.7)
    }

    @Test func longSentencesAreBoundedAndNoiseBeforeTheStartIsIgnored() {
        let long = "$GPTXT," + String(repeating: "x", count: 300) + "*00\r\n"
        let noisy = "\u{7}\u{0}garbage" + Self.sentence("GPGLL,0100.000,N,00100.000,E,101010,A,A")
        let r = DriverRun(NMEADriver(), bytes: Array((long + noisy).utf8))
        #expect(r.counters.rejected["overlong"] == 1)
        #expect(r.fixes.count == 1)
        #expect(r.frames.allSatisfy { $0.count <= NMEADriver.maxSentenceBytes + 2 })
    }

    @Test func catalogKnowsTheProtocol() {
        #expect(DriverCatalog.entry("nmea")?.capture == .bytes)
        #expect(DriverCatalog.make("nmea")?.rawFormat == "nmea-0183")
    }
}
