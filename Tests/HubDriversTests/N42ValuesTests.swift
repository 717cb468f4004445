import Foundation
import HubDrivers
import HubModel
import Testing

struct N42ValuesTests {
    @Test func durations() {
        #expect(N42Values.duration("PT300.865173S") == 300.865173)
        #expect(N42Values.duration("PT1M5S") == 65)
        #expect(N42Values.duration("P1DT2H") == 93_600)
        #expect(N42Values.duration(" PT0.99999S\n") == 0.99999)
        #expect(N42Values.duration("12.5") == 12.5, "bare seconds, as some 2006 writers put them")
        for bad in ["", "P", "PT", "T5S", "PT5", "PTS", "PT5X", "5 s", "PT1.2.3S"] { #expect(N42Values.duration(bad) == nil, "\(bad)") }
    }

    @Test func timesAndWhatWasBent() throws {
        let z = try #require(N42Values.dateTime("2013-12-26T21:15:00Z"))
        #expect(z.date == Timestamp.parse("2013-12-26T21:15:00Z") && z.bent == nil)
        let kromek = try #require(N42Values.dateTime("2023-07-10T12:21:47-0500"))
        #expect(kromek.date == Timestamp.parse("2023-07-10T17:21:47Z"))
        #expect(kromek.bent == "time offset without colon")
        let hours = try #require(N42Values.dateTime("2023-07-10T12:21:47.5+02"))
        #expect(hours.date == Timestamp.parse("2023-07-10T10:21:47.5Z"))
        let local = try #require(N42Values.dateTime("2024-08-15T13:10:20", utcOffsetSeconds: -7 * 3600))
        #expect(local.date == Timestamp.parse("2024-08-15T20:10:20Z") && local.bent == "time without zone")
        for bad in ["", "yesterday", "2023-07-10", "2023-07-10T12:21:47+5", "2023-13-10T12:21:47Z"] {
            #expect(N42Values.dateTime(bad) == nil, "\(bad)")
        }
    }

    @Test func countedZeroes() {
        #expect(N42Values.expandCountedZeroes([0, 3, 5, 0, 1, 7]) == [0, 0, 0, 5, 0, 7])
        #expect(N42Values.expandCountedZeroes([1, 2, 3]) == [1, 2, 3])
        #expect(N42Values.expandCountedZeroes([0, 0, 4]) == [4], "a run of no zeros")
        #expect(N42Values.expandCountedZeroes([4, 0]) == nil, "a trailing 0 has no count")
        #expect(N42Values.expandCountedZeroes([0, 2.5]) == nil)
        #expect(N42Values.expandCountedZeroes([0, -1]) == nil)
        #expect(N42Values.expandCountedZeroes([0, 1e12]) == nil, "bounded: no billion-channel spectrum")
    }

    @Test func doseRateUnits() {
        #expect(N42Values.doseRateUSvH(0.04578, units: "uGy") == 0.04578)
        #expect(N42Values.doseRateUSvH(2, units: "mR/h") == 20)
        #expect(N42Values.doseRateUSvH(500, units: "nSv/h") == 0.5)
        #expect(N42Values.doseRateUSvH(1, units: "furlongs") == nil)
    }

    @Test func numbers() {
        #expect(N42Values.numbers(" 1 2\n3\t4.5 ") == [1, 2, 3, 4.5])
        #expect(N42Values.numbers("1 x") == nil)
        #expect(N42Values.numbers("") == [])
    }
}
