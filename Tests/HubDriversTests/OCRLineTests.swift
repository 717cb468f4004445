import Foundation
import HubDrivers
import HubModel
import Testing

struct OCRLineTests {
    private func parse(_ s: String, offset: Int = 0) -> Result<OCRLine, OCRLine.Problem> {
        OCRLine.parse(Array(s.utf8)[...], utcOffsetSeconds: offset)
    }

    @Test func aContainerReadWithEveryField() throws {
        let line = try parse("OCR,3,2026-01-31T08:15:02.120Z,CONTAINER,CSQU 305438 3,97,REAR,99;98;99;97;96;99;99;98;97;99;91").get()
        let r = line.reading
        #expect(r.lane == "3")
        #expect(r.observedAt == Timestamp.parse("2026-01-31T08:15:02.120Z"))
        #expect(r.kind == .container && r.text == "CSQU 305438 3" && r.confidence == 97)
        #expect(r.position == "rear")
        #expect(r.characterConfidences?.count == 11 && r.characterConfidences?.last == 91)
    }

    @Test func theDocumentedExampleChecksOut() throws {
        let r = try parse("OCR,3,2026-01-31T08:15:02.120Z,CONTAINER,CSQU3054383,97,rear,99;98;99;97;96;99;99;98;97;99;91*3D").get()
        #expect(r.reading.text == "CSQU3054383" && r.reading.characterConfidences?.first == 99)
    }

    @Test func optionalFieldsAndLocalTime() throws {
        let plate = try parse("OCR,lane-1,,PLATE,51C-123.45,88.5").get().reading
        #expect(plate.observedAt == nil && plate.position == nil && plate.confidence == 88.5)
        let local = try parse("OCR,1,2026-01-31T15:15:02,PLATE,X1,50", offset: 7 * 3600).get().reading
        #expect(local.observedAt == Timestamp.parse("2026-01-31T08:15:02Z"))
    }

    @Test func checksumsAreCheckedWhenPresent() throws {
        let read = OCRReading(
            lane: "3", observedAt: Timestamp.parse("2026-01-31T08:15:02Z"), kind: .container, text: "CSQU3054383",
            confidence: 97, position: "rear", characterConfidences: [99, 98, 99, 97, 96, 99, 99, 98, 97, 99, 91])
        var bytes = OCRLine.encode(read)
        #expect(bytes.suffix(2) == [13, 10])
        #expect(bytes[bytes.count - 5] == 42, "a *hh checksum before CR LF")
        #expect(try OCRLine.parse(bytes[..<(bytes.count - 2)]).get().reading == read)
        bytes[8] = bytes[8] == 48 ? 49 : 48
        #expect(OCRLine.parse(bytes[..<(bytes.count - 2)]) == .failure(.checksum))
        #expect(parse("OCR,3,,PLATE,AB1,50*ZZ") == .failure(.malformed("checksum")))
        let plain = OCRLine.encode(read, checksum: false)
        #expect(!plain.contains(42))
        #expect(try OCRLine.parse(plain[..<(plain.count - 2)]).get().reading == read)
    }

    @Test(arguments: [
        ("OCR,3,,CONTAINER,X,101", "confidence"), ("OCR,,,PLATE,X,1", "lane"), ("OCR,3,noon,PLATE,X,1", "time"),
        ("OCR,3,,PLATE,,1", "text"), ("OCR,3,,PLATE,X", "field count 5"), ("OCR,3,,PLATE,X,1,front,1;x", "character confidences"),
        ("OCR,3,,PLATE,X,1,front,1;2,extra", "field count 9"),
    ])
    func malformedLines(_ text: String, field: String) {
        #expect(parse(text) == .failure(.malformed(field)))
    }

    @Test func otherProtocolsAndKinds() {
        #expect(parse("GS,000079,000071") == .failure(.garbage))
        #expect(parse("OCR,3,,PLATE,Đ12,50") == .failure(.garbage), "the line protocol is ASCII")
        #expect(parse("OCR,3,,HEARTBEAT,x,1") == .failure(.unknownKind("HEARTBEAT")))
    }
}

struct OCRDriverTests {
    @Test func readsAreCountedAndEveryLineArchived() {
        let feed = """
            OCR,3,2026-01-31T08:15:02Z,CONTAINER,CSQU3054383,97,rear\r
            noise\r
            OCR,3,,PLATE,51C-123.45,88\r
            OCR,3,,HEARTBEAT,-,0\r
            OCR,3,,PLATE,X,200\r
            OCR,3,,PLATE,AB1,50*00\r
            OCR,4,,PLATE,LAST,60
            """
        let bytes = Array(feed.utf8)
        let r = DriverRun(OCRDriver(), bytes, chunk: 5)
        #expect(r.ocrReads.map(\.text) == ["CSQU3054383", "51C-123.45", "LAST"])
        #expect(r.counters.frames == 7)
        #expect(r.counters.rejected == ["garbage": 1, "malformed": 1, "checksum": 1])
        #expect(r.counters.unknownCodes == ["HEARTBEAT": 1])
        #expect(r.frames.flatMap { $0 } == bytes)
    }
}
