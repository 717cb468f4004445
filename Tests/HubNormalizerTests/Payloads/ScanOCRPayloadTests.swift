import Foundation
import HubModel
import HubTesting
import Testing

/// `scan.result` and `ocr.read` typed: from the scanner documents and the camera feed the normalizer
/// tests use, read back exactly, untyped when the JSON is not theirs.
struct ScanOCRPayloadTests {
    static func scans() -> [InspectionEvent] {
        InstrumentScanOCREventTests.events("scan", Array((ScanSamples.suspect + ScanSamples.clear).utf8))
    }

    static func reads() -> [InspectionEvent] { InstrumentScanOCREventTests.events("ocr", Array(InstrumentScanOCREventTests.ocrFeed.utf8)) }

    @Test func scanResultsAreTypedAndExact() throws {
        let events = Self.scans()
        #expect(events.count == 2)
        for e in events { try PayloadRoundTrip.expectTypedAndExact(e, ScanResultPayload.self) }
        let s = try #require(events.first?.scanResult)
        #expect(s.scanId == "MT-2026-000731" && s.scanner?.model == "MT1213DE")
        #expect(s.atdResult == .suspect && s.operatorVerdict?.verdict == .inspect)
        #expect(s.verdict == "inspect", "the operator's word outranks the algorithm's")
        #expect(s.operatorVerdict?.decidedAt == Timestamp.parse("2026-01-31T01:17:00Z"))
        #expect(s.durationS == 42.5)
        #expect(s.containersInvalid == [.init(text: "MSCU1234567", reason: "check digit")])
        #expect(s.images?.map(\.format) == [.uff, .dicos] && s.images?.first?.bytes == 18_000_000)
        #expect(s.atdRegions?.first?.confidence == 72)
        #expect(events[1].scanResult?.verdict == "clear" && events[1].scanResult?.operatorVerdict == nil)
    }

    @Test func scanDataThatIsNotTheKindsStaysUntypedAndExact() throws {
        let s = try #require(Self.scans().first)
        try PayloadRoundTrip.expectUntyped(s) { $0["colour"] = 1 }
        try PayloadRoundTrip.expectUntyped(s) { $0["atdResult"] = "maybe" }
        try PayloadRoundTrip.expectUntyped(s) { $0["imagesStored"] = .array([.int(3)]) }
    }

    @Test func ocrReadsAreTypedAndExact() throws {
        let events = Self.reads()
        #expect(events.count == 6)
        for e in events { try PayloadRoundTrip.expectTypedAndExact(e, OCRReadPayload.self) }
        let r = events.compactMap(\.ocrRead)
        #expect(r.count == 6)
        #expect(r[0].read == .container && r[0].containerValid == true && r[0].container == "CSQU3054383")
        #expect(r[1].repairedFrom == "CSQU3O54383" && r[1].confidence == 90)
        #expect(r[3].container == nil && (r[3].candidates?.count ?? 0) > 1)
        #expect(r[4].reason == "length")
        #expect(r[5].read == .plate && r[5].plate == "51C12345" && r[5].position == "front")
    }

    /// `linkKeys` takes the repair from the typed read: less confidence for a repaired number.
    @Test func aRepairedReadLinksWithLessConfidence() throws {
        let events = Self.reads()
        #expect(events[0].linkKeys.first?.confidence == 1.0)
        #expect(events[1].linkKeys.first?.confidence == 0.7)
        #expect(events[1].linkKeys.first?.evidence.contains("repaired from OCR read CSQU3O54383") == true)
    }

    @Test func ocrDataThatIsNotTheKindsStaysUntypedAndExact() throws {
        let r = try #require(Self.reads().first)
        try PayloadRoundTrip.expectUntyped(r) { $0["colour"] = "red" }
        try PayloadRoundTrip.expectUntyped(r) { $0["read"] = "seal" }
        try PayloadRoundTrip.expectUntyped(r) { $0["confidence"] = "high" }
    }
}
