import Foundation
import HubDrivers
import HubModel
import Testing

/// Sentences are split into fields without allocating (the first 32 field ends kept inline); a
/// sentence with more fields, or empty and trailing ones, must read exactly as before.
struct NMEAFieldSplitTests {
    static let rmc = "GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E"

    @Test func fieldsPastTheInlineOnesDoNotChangeTheFix() throws {
        let plain = NMEADriverTests.run([Self.rmc])
        // 40 more fields after the standard ones: the sentence has 52, more than are kept inline.
        let long = NMEADriverTests.run([Self.rmc + String(repeating: ",", count: 40)])
        let a = try #require(plain.fixes.first)
        let b = try #require(long.fixes.first)
        #expect(a == b)
    }

    @Test func fieldsAreReadAtTheirPlacesWhateverTheirLengths() throws {
        // GGA with an empty HDOP, then GSA's in field 16 after a run of empty satellite slots,
        // then the epoch's GGA again: its fix carries GSA's HDOP.
        let gga = "GPGGA,123519,4807.038,N,01131.000,E,1,08,,545.4,M,46.9,M,,"
        let r = NMEADriverTests.run([gga, "GPGSA,A,3,,,,,,,,,,,,,2.5,1.3,2.1", gga])
        #expect(r.fixes.count == 2 && r.fixes.first?.hdop == nil)
        let f = try #require(r.fixes.last)
        #expect(f.altitudeM == 545.4 && f.satellites == 8 && f.fixQuality == 1)
        #expect(f.hdop == 1.3, "HDOP from GSA field 16, as GGA left its own empty")
        #expect(abs(f.lat - (48 + 7.038 / 60)) < 1e-12 && abs(f.lon - (11 + 31.0 / 60)) < 1e-12)
    }
}
