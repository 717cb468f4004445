import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

struct ScanResultDocumentTests {
    @Test func aFullDocument() throws {
        let d = try ScanResultDocument.decode(Array(ScanSamples.suspect.utf8)).get()
        #expect(d.scanID == "MT-2026-000731")
        #expect(d.scanner.model == "MT1213DE" && d.scanner.technology == "dual-energy")
        #expect(d.site == "gate-3" && d.lane == "2")
        #expect(d.startedAt == Timestamp.parse("2026-01-31T08:15:00Z"))
        #expect(d.endedAt == Timestamp.parse("2026-01-31T08:15:42.5Z"))
        #expect(d.containers == ["csqu 305438-3", "MSCU1234567"], "kept as read; the normalizer checks them")
        #expect(d.images.map(\.format) == [.uff, .dicos])
        #expect(d.images[1].sha256 == String(repeating: "cd", count: 32), "hashes are lower-cased")
        #expect(d.threatDetection?.result == .suspect)
        #expect(d.threatDetection?.regions.first?.confidence == 72)
        #expect(d.operatorVerdict?.verdict == .inspect)
        #expect(d.operatorVerdict?.decidedAt == Timestamp.parse("2026-01-31T01:17:00Z"))
    }

    @Test func everyProblemIsReportedWithItsField() throws {
        let bad = """
            {"schema":"niihub.scan-result/2","scanId":"","scanner":{"name":"x"},"startedAt":"yesterday",
             "endedAt":"2026-01-31T08:00:00Z","images":[{"name":"a","sha256":"zz","format":"bmp"},{"name":"a","sha256":"\(ScanSamples.sha)","format":"jpeg"}],
             "atd":{"result":"clear","regions":[{"image":"b","x":1,"y":2,"width":-3}]},"operatorVerdict":{"verdict":"maybe"},"colour":"red"}
            """
        guard case .failure(let invalid) = ScanResultDocument.decode(Array(bad.utf8)) else {
            Issue.record("accepted a bad document")
            return
        }
        let fields = Set(invalid.problems.map(\.field))
        for f in ["schema", "scanId", "scanner.id", "scanner.name", "startedAt", "images[0].sha256", "images[0].format",
                  "images", "atd.regions[0].image", "atd.regions[0].width", "atd.regions[0].height", "atd.regions",
                  "operatorVerdict.verdict", "colour"] {
            #expect(fields.contains(f), "\(f) in \(invalid.problems)")
        }
        #expect(invalid.problems.first { $0.field == "colour" }?.reason == "unknown member")
        #expect(ScanResultDocument.decode(Array("{nope".utf8)) == .failure(.init(problems: [.init(field: "", reason: "not a JSON document")])))
    }
}

struct ScanResultDriverTests {
    @Test func oneReadingPerDocumentAndEveryByteArchived() {
        let stream = Array((ScanSamples.suspect + "\n" + ScanSamples.clear + "\n").utf8)
        let r = DriverRun(ScanResultDriver(), stream, chunk: 13)
        #expect(r.scans.map(\.scanID) == ["MT-2026-000731", "S-2"])
        #expect(r.counters.frames == 2 && r.counters.rejectedTotal == 0)
        #expect(r.frames.reduce(0) { $0 + $1.count } == stream.count - 2, "all but the newlines between documents")
    }

    @Test func bracesInsideStringsDoNotEndADocument() {
        let doc = ScanSamples.clear.replacingOccurrences(of: "\"S-2\"", with: "\"S-{2}\\\"}\"")
        let r = DriverRun(ScanResultDriver(), Array(doc.utf8), chunk: 3)
        #expect(r.scans.map(\.scanID) == ["S-{2}\"}"])
    }

    @Test func garbageInvalidAndCutDocumentsAreCounted() {
        let feed = "garbage here " + ScanSamples.clear + "{\"schema\":\"x\"}" + "{\"scanId\": \"cut"
        let r = DriverRun(ScanResultDriver(), Array(feed.utf8))
        #expect(r.scans.count == 1)
        #expect(r.counters.rejected == ["garbage": 2, "malformed": 1])
        #expect(r.frames.reduce(0) { $0 + $1.count } == feed.utf8.count)
    }

    @Test func anOverlongDocumentIsCutAndTheStreamRecovers() {
        let huge = "{\"scanId\":\"" + String(repeating: "x", count: ScanResultDriver.maxDocumentBytes + 10) + "\"}"
        let r = DriverRun(ScanResultDriver(), Array((huge + ScanSamples.clear).utf8), chunk: 1 << 20)
        #expect(r.counters.rejected["overlong"] == 1)
        #expect(r.scans.map(\.scanID) == ["S-2"])
        #expect(r.frames.first?.count == 64 << 10)
    }
}
