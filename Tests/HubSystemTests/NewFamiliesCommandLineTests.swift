import Foundation
import HubTesting
import Testing

/// `niihub decode` for the n42, scan and ocr protocols, and `niihub export-n42`.
@Suite(.timeLimit(.minutes(3)))
struct NewFamiliesCommandLineTests {
    static func lines(_ out: String) -> [[String: Any]] {
        out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func decodeReadsN42ScanAndOCRFiles() throws {
        let n42 = try CommandLineTests.run(["decode", "--protocol", "n42", Corpus.url("n42/Q67_Mobile.N42").path])
        #expect(n42.status == 0)
        #expect(Self.lines(n42.out).filter { $0["kind"] as? String == "radiation.measurement" }.count == 490)
        let dir = try TemporaryDirectory("decode-new")
        let scan = try CommandLineTests.run(["decode", "--protocol", "scan", try dir.write("scan.json", ScanSamples.suspect)])
        #expect(Self.lines(scan.out).map { $0["kind"] as? String } == ["scan.result"])
        let ocr = try CommandLineTests.run(
            ["decode", "--protocol", "ocr", try dir.write("ocr.txt", "OCR,1,,PLATE,29A-999.99,91\r\nnoise\r\n")])
        #expect(Self.lines(ocr.out).map { $0["kind"] as? String } == ["ocr.read"])
        #expect(ocr.err.contains("1 rejected"))
    }

    @Test func exportN42WritesSchemaValidDocumentsForOccupancies() throws {
        let decoded = try CommandLineTests.run(["decode", "--protocol", "rpm", Corpus.url("rpm/S2-C3-NORM2.csv").path])
        let dir = try TemporaryDirectory("export-n42")
        let events = try dir.write("events.jsonl", decoded.out)
        let out = dir.path("n42")
        let r = try CommandLineTests.run(["export-n42", "--out", out, events])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("25 occupancies exported"))
        // The vehicles' starts are in the file and skipped with every other kind.
        let kinds = Self.lines(decoded.out).compactMap { $0["kind"] as? String }
        #expect(kinds.filter { $0 == "radiation.occupancy-start" }.count == 25)
        #expect(r.err.contains("\(kinds.count - 25) other events skipped"), "\(r.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files.count == 25 && files.first == "decode-109.n42")
        // To stdout, the documents follow one another; the n42 driver reads them back as such.
        let stream = try CommandLineTests.run(["export-n42", events])
        let back = try CommandLineTests.run(["decode", "--protocol", "n42", try dir.write("stream.n42", stream.out)])
        #expect(Self.lines(back.out).filter { $0["kind"] as? String == "radiation.measurement" }.count == 50)
        let none = try CommandLineTests.run(["export-n42", try dir.write("empty.jsonl", "{}\n")])
        #expect(none.status == 1)
    }
}
