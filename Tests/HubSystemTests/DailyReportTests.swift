import Foundation
import Synchronization
import HubApp
import HubAppTesting
import HubCorrelation
import HubServer
import HubSite
import HubTesting
import Testing

/// The daily per-lane report from a real lane: two trucks through a pseudo-terminal portal monitor and a loopback
/// camera (the time-release setup), read back from the hub's store into a report, written as HTML in both
/// languages, CSV and PDF. It runs in `make test`'s browser phase (Chromium prints the PDF), not beside the
/// other suites: a Chromium started among them starved their pseudo-terminals' timing.
@Suite(.serialized) struct DailyReportTests {
    @Test func aDayWithTwoTrucksIsReportedLaneByLane() async throws {
        let zone = TimeReleaseRouteTests.zone
        let lane = try await PortalAndCamera.start(
            label: "daily-report", passages: "{beforeS: 30, afterS: 1, gapS: 5}", siteExtra: "console: {timeZone: \(zone.identifier)}")
        let h = lane.hub
        try await TimeReleaseRouteTests.twoTrucks(through: lane)
        let site = try #require(try await h.events("kind=gate.passage").first?["site"] as? String)

        let store = h.hub.store
        let report = try await DailyReportBuilder(
            store: store, declarations: store, adjudications: store, site: site, zone: zone,
            laneDevices: ["1": ["rpm-lane1", "ocr-lane1"]]
        ).build(day: Date())
        let row = try #require(report.lanes.first { $0.lane == "1" })
        #expect(row.passages == 2)
        #expect(row.scans == 0)
        #expect(row.timeRelease.endToEnd.count == 2)
        #expect(Set(row.devices.map(\.device)).isSuperset(of: ["rpm-lane1", "ocr-lane1"]))

        let folder = h.dir.path("reports")
        let chromium = ProcessInfo.processInfo.environment["NIIHUB_BROWSER_TESTS"] == nil
            ? nil : ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let written = try await ReportArchive(folder: folder).write(report, pdf: chromium == nil ? .never : .always, chromium: chromium)
        let names = Set(written.map(\.name))
        #expect(names.isSuperset(of: ["\(report.day).csv", "\(report.day).vi.html", "\(report.day).en.html"]))
        let csv = try String(contentsOfFile: folder + "/\(report.day).csv", encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline)
        #expect(lines.count == 1 + report.lanes.count)
        let header = lines[0].split(separator: ",").map(String.init)
        let laneRow = try #require(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .first { $0[header.firstIndex(of: "lane")!] == "1" })
        #expect(laneRow[header.firstIndex(of: "passages")!] == "2")
        let vi = try String(contentsOfFile: folder + "/\(report.day).vi.html", encoding: .utf8)
        #expect(vi.contains("lang=\"vi\""))
        // Each count agrees with its noun: "2 passages, 1 with an alarm"; a lane's single alarm is "1 alarm".
        let en = try String(contentsOfFile: folder + "/\(report.day).en.html", encoding: .utf8)
        #expect(en.contains("2 passages, \(row.alarmedPassages) of them with an alarm."))
        if row.alarms == 1 { #expect(en.contains("1 alarm: ")) }
        #expect(vi.contains("2 lượt qua, trong đó \(row.alarmedPassages) có báo động."))
        if chromium != nil {
            let pdf = try Data(contentsOf: URL(fileURLWithPath: folder + "/\(report.day).en.pdf"))
            #expect(pdf.prefix(5) == Data("%PDF-".utf8))
        }

        // A subscriber of lane 1 is handed lane 1's own files, the PDF among them where Chromium prints.
        let handed = Handed()
        let delivery = ReportDeliveryClosure { day, files, _ in
            let pdf = files["\(day).vi.pdf"].flatMap { FileManager.default.contents(atPath: $0) }
            let page = files["\(day).en.html"].flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
            handed.set(names: Set(files.keys), pdf: pdf?.prefix(5), page: page)
        }
        try await ReportDispatch(delivery: delivery, pdf: chromium == nil ? .never : .always, chromium: chromium).send(
            report, siteFiles: [:], to: [.init(name: "Lan", email: "lan@gate.example", lanes: ["1"])])
        let got = handed.value
        #expect(got.names.isSuperset(of: ["\(report.day).csv", "\(report.day).vi.html", "\(report.day).en.html"]))
        #expect(got.page.contains("data-lane=\"1\"") && got.page.contains("This report covers these lanes only: 1."))
        if chromium != nil { #expect(got.pdf == Data("%PDF-".utf8)) }
        try await h.stop()
    }
}

/// What a delivery was handed, read while its scratch folder still existed.
private final class Handed: Sendable {
    private let got = Mutex<(names: Set<String>, pdf: Data?, page: String)>(([], nil, ""))
    func set(names: Set<String>, pdf: Data?, page: String) { got.withLock { $0 = (names, pdf, page) } }
    var value: (names: Set<String>, pdf: Data?, page: String) { got.withLock { $0 } }
}
