import Foundation
import HubModel
import Testing

struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_464_818_624.163)) == "2016-06-01T22:03:44.163Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }

    @Test func parsesOffsetsAndFractions() {
        #expect(Timestamp.parse("2016-06-01T15:03:44.163-07:00")?.timeIntervalSince1970 == 1_464_818_624.163)
        #expect(Timestamp.parse("2016-06-01T22:03:44Z")?.timeIntervalSince1970 == 1_464_818_624)
        #expect(Timestamp.parse("2016-06-02T05:33:44+07:30")?.timeIntervalSince1970 == 1_464_818_624)
    }

    @Test(arguments: ["", "2016-06-01", "2016-13-01T00:00:00Z", "2016-06-01T25:00:00Z", "2016-06-01T00:00:00",
                      "2016-06-01T00:00:00.Z", "2016-06-01T00:00:00Zjunk", "２０１６-06-01T00:00:00Z"])
    func refusesWhatIsNotRFC3339(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    /// Days that do not exist in their month, and offsets outside RFC 3339's hours 00-23 and minutes
    /// 00-59, were accepted and silently moved to another instant (31 February became 3 March).
    @Test(arguments: [
        "2026-02-31T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-06-31T12:00:00Z", "2026-09-31T12:00:00Z", "2026-11-31T12:00:00Z", "2026-01-32T00:00:00Z",
        "2026-01-00T00:00:00Z", "2026-06-01T00:00:00+99:99", "2026-06-01T00:00:00+24:00", "2026-06-01T00:00:00-12:60",
        "2026-06-01T00:00:00+05:75",
    ])
    func refusesDaysAndOffsetsThatDoNotExist(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func acceptsLeapDaysMonthEndsAndEveryGrammaticalOffset() throws {
        #expect(try #require(Timestamp.parse("2024-02-29T00:00:00Z")).timeIntervalSince1970 == 1_709_164_800)
        #expect(try #require(Timestamp.parse("2000-02-29T00:00:00Z")).timeIntervalSince1970 == 951_782_400)
        for (month, last) in [(1, 31), (3, 31), (4, 30), (6, 30), (9, 30), (11, 30), (12, 31)] {
            let text = "2026-\(month < 10 ? "0" : "")\(month)-\(last)T00:00:00Z"
            #expect(Timestamp.parse(text) != nil, "\(text)")
        }
        #expect(Timestamp.parse("2026-06-01T00:00:00+14:00")?.timeIntervalSince1970 == 1_780_221_600)
        #expect(Timestamp.parse("2026-06-01T00:00:00-12:00")?.timeIntervalSince1970 == 1_780_315_200)
        #expect(Timestamp.parse("2026-06-01T00:00:00+23:59")?.timeIntervalSince1970 == 1_780_185_660)
        #expect(Timestamp.parse("2026-06-01T00:00:00-00:00")?.timeIntervalSince1970 == 1_780_272_000)
        #expect(Timestamp.parse("2016-12-31T23:59:60Z") != nil, "a leap second")
    }

    @Test func roundTrips() {
        for ms in stride(from: Int64(-86_400_000), to: 4_102_444_800_000, by: 7_919_999_999) {
            let d = Date(timeIntervalSince1970: Double(ms) / 1000)
            #expect(Timestamp.parse(Timestamp.format(d)) == d)
        }
    }

    /// Found by the OCR fuzzer: a year far from 1970 with a nanosecond fraction overflowed the exact
    /// integer form and killed the process.
    @Test func aFarYearWithAFineFractionParsesWithoutOverflow() throws {
        let d = try #require(Timestamp.parse("0026-01-31T08:15:02.1203054383Z"))
        #expect(abs(d.timeIntervalSince1970 - -61_344_056_697.8797) < 0.01)
        #expect(Timestamp.parse("9999-12-31T23:59:59.999999999Z") != nil)
        #expect(Timestamp.parse("2026-11-25T10:05:42.123Z").map(Timestamp.format) == "2026-11-25T10:05:42.123Z")
    }
}
