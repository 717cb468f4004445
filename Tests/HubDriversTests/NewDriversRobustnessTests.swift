import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Instruments, scanners and cameras can send anything. The N42, scan, OCR and DICOS decoders must
/// never crash, count what they cannot use, archive every byte of it and stay bounded. Inputs are
/// random but seeded, so a failure replays.
@Suite(.timeLimit(.minutes(2)))
struct NewDriversRobustnessTests {
    static func random(_ n: Int, _ rng: inout Lcg) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    static func mutate(_ bytes: [UInt8], _ rng: inout Lcg, edits: Int) -> [UInt8] {
        var b = bytes
        for _ in 0..<edits where !b.isEmpty {
            let i = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: b[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: b.remove(at: i)
            default: b.insert(b[Int.random(in: 0..<b.count, using: &rng)], at: i)
            }
        }
        return b
    }

    static func archived(_ r: DriverRun) -> Int { r.frames.reduce(0) { $0 + $1.count } }

    static let drivers: [(String, @Sendable () -> any DeviceDriver)] = [
        ("n42", { N42Driver() }), ("scan", { ScanResultDriver() }), ("ocr", { OCRDriver() }),
    ]

    @Test(arguments: [1, 2, 3, 4])
    func randomBytesNeverCrash(seed: UInt64) {
        var rng = Lcg(s: seed)
        for (name, make) in Self.drivers {
            for _ in 0..<20 {
                let n = Int.random(in: 0...4096, using: &rng)
                let bytes = Self.random(n, &rng)
                let r = DriverRun(make(), bytes, chunk: Int.random(in: 1...512, using: &rng))
                #expect(r.counters.bytes == bytes.count, "\(name)")
                #expect(r.counters.frames >= r.counters.rejectedTotal, "\(name)")
            }
        }
    }

    @Test func everyTruncationOfSmallInputs() throws {
        let inputs: [(any DeviceDriver, String)] = [
            (N42Driver(), N42DriverTests.doc2012("t")),
            (ScanResultDriver(), ScanSamples.suspect),
            (OCRDriver(), "OCR,3,2026-01-31T08:15:02Z,CONTAINER,CSQU3O54383,97,rear,99;98;99;97;96;99;99;98;97;99;91*00\r\n"),
        ]
        for (driver, text) in inputs {
            let bytes = Array(text.utf8)
            for cut in 0...bytes.count {
                let r = DriverRun(driver, Array(bytes.prefix(cut)), chunk: 64)
                // What is not whitespace reaches the archive, whether it decoded or not.
                #expect(Self.archived(r) <= cut)
                #expect(r.counters.readings <= 2)
            }
        }
    }

    @Test func mutatedN42CorpusFilesNeverCrash() throws {
        var rng = Lcg(s: 7)
        for (file, rounds) in [("SGM200615_SearchMode_1.xml", 60), ("detx_background.n42", 15), ("5samples_2dets_peaks_on_3.n42", 8)] {
            let original = try Corpus.bytes("n42/\(file)")
            for _ in 0..<rounds {
                let edits = Int.random(in: 1...12, using: &rng)
                let bytes = Self.mutate(original, &rng, edits: edits)
                let r = DriverRun(N42Driver(), bytes, chunk: 4096)
                #expect(r.counters.frames >= 1)
                #expect(r.measurements.allSatisfy { $0.spectra.allSatisfy { $0.channels.count <= N42Values.maxChannels } })
            }
        }
    }

    @Test func mutatedScanAndOCRInputsNeverCrash() {
        var rng = Lcg(s: 11)
        let ocr = Array(
            "OCR,3,2026-01-31T08:15:02Z,CONTAINER,CSQU3054383,97,rear\r\nOCR,3,,PLATE,51C-123.45,88\r\n".utf8)
        for _ in 0..<300 {
            let s = DriverRun(ScanResultDriver(), Self.mutate(Array(ScanSamples.suspect.utf8), &rng, edits: 4), chunk: 100)
            #expect(s.counters.frames >= 1 || s.counters.bytes == 0)
            let o = DriverRun(OCRDriver(), Self.mutate(ocr, &rng, edits: 3), chunk: 9)
            #expect(o.counters.frames >= o.ocrReads.count)
        }
    }

    @Test func dicosReaderOnRandomMutatedAndCutFiles() {
        var rng = Lcg(s: 13)
        let file = DICOSWriter.file(sopClass: DICOSHeader.tdrStorage) { w in
            w.text(0x4010, 0x1027, "CS", "MACHINE")
            w.undefinedSequence(0x4010, 0x1010, items: 3)
            w.text(0x4010, 0x1031, "CS", "ALARM")
        }
        for cut in 0...file.count { _ = DICOSHeader.read(Array(file.prefix(cut))) }
        for _ in 0..<2000 {
            let edits = Int.random(in: 1...6, using: &rng)
            _ = DICOSHeader.read(Self.mutate(file, &rng, edits: edits))
        }
        for _ in 0..<200 {
            let n = Int.random(in: 0...512, using: &rng)
            _ = DICOSHeader.read(Array(file.prefix(132)) + Self.random(n, &rng))
        }
        // A crafted nest of undefined-length sequences is refused, not followed down the stack.
        var deep = DICOSWriter.file(sopClass: DICOSHeader.tdrStorage)
        for _ in 0..<10_000 { deep += [0x10, 0x40, 0x10, 0x10] + Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF] + [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF] }
        guard case .failure = DICOSHeader.read(deep) else {
            Issue.record("an endless nest was accepted")
            return
        }
    }
}
