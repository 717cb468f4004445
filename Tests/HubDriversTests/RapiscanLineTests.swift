import Foundation
import HubDrivers
import Testing

struct RapiscanLineTests {
    private func parse(_ s: String) -> RapiscanLine? { RapiscanLine.parse(Array(s.utf8)[...]) }

    @Test func deviceLine() throws {
        let l = try #require(parse("GS,000079,000071,000096,000069"))
        #expect(l.code == "GS")
        #expect(l.integerFields() == [79, 71, 96, 69])
        #expect(l.timestamp == nil)
    }

    @Test func recorderTimestampColumnIsSplitOffAndItsZoneApplied() throws {
        let l = try #require(parse("GX,000109,006383,000000,000000,2016-06-01 15:05:11.151 -07"))
        #expect(l.fields == ["000109", "006383", "000000", "000000"])
        #expect(l.timestamp == Date(timeIntervalSince1970: 1_464_818_711.151))
        let local = try #require(RapiscanLine.parse(Array("GB,1,2016-06-01 15:05:11".utf8)[...], utcOffsetSeconds: 7 * 3600))
        #expect(local.timestamp == Date(timeIntervalSince1970: 1_464_768_311))
    }

    @Test func paddedFieldsAndSetupCodes() throws {
        #expect(parse("AX, -0.1242,  0.1434")?.fields == ["-0.1242", "0.1434"])
        #expect(parse("SG1,000200,000010")?.code == "SG1")
        #expect(parse("GS,12,x")?.integerFields() == nil)
    }

    /// An ASCII line is cut on its bytes: its code and fields must be what splitting its text and
    /// trimming `.whitespaces` gives. A line with any other character still goes that way, so a
    /// no-break space around a field is trimmed as before.
    @Test(arguments: [
        "GS,000079,000071", " GS , 1 ,\t2\t, ,", "GA,,,", "NB,1, 2 ,3,2016-06-01 15:05:11.151 -07", "GX\t,7",
        "AX, -0.1242,  0.1434 ", "GS, 1\u{00A0},\u{2003}2",
    ])
    func fieldsAreTheTrimmedSplitOfTheText(_ text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let l = try #require(parse(text))
        #expect([l.code] + l.fields == Array(parts.prefix(l.timestamp == nil ? parts.count : parts.count - 1)))
    }

    @Test(arguments: ["", "gs,1", "G,1", "GSSS,1", "12,1", "\u{00}\u{01}", "G S,1", "ÄB,1"])
    func garbageIsNotALine(_ text: String) {
        #expect(parse(text) == nil)
    }

    @Test func encodesWhatItParses() throws {
        let line = RapiscanLine(code: "GX", fields: [RapiscanLine.countField(7), RapiscanLine.countField(6383)])
        #expect(String(decoding: line.encoded(), as: UTF8.self) == "GX,000007,006383\r\n")
        #expect(parse("GX,000007,006383") == line)
        #expect(RapiscanLine.countField(5_000_000) == "999999")
    }
}
