import Foundation
import HubAppTesting
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `GET /api/v1/export/events.csv` and `.json` on a whole hub, from events it stored (two posted
/// scan results), with the filters of `GET /api/v1/events`.
@Suite(.timeLimit(.minutes(3)))
struct EventExportTests {
    /// A GET with the admin's token, with the response's headers (the harness's request drops them).
    static func fetch(_ h: HubHarness, _ path: String) async throws -> (status: Int, text: String, next: String?, type: String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(h.port)\(path)")!)
        request.setValue("Bearer \(h.adminToken)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (
            http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http?.value(forHTTPHeaderField: "X-Next-Cursor"),
            http?.value(forHTTPHeaderField: "Content-Type")
        )
    }

    @Test func storedEventsAreExportedWithTheListsFilters() async throws {
        let h = try await HubHarness(label: "event-export")
        let suspect = try await h.post("/api/v1/scans", ScanSamples.suspect)
        let clear = try await h.post("/api/v1/scans", ScanSamples.clear)
        let suspectID = try #require(suspect.json["id"] as? String), clearID = try #require(clear.json["id"] as? String)
        let sha = try #require((suspect.json["raw"] as? [String: Any])?["sha256"] as? String)

        let csv = try await Self.fetch(h, "/api/v1/export/events.csv?kind=scan.result&order=asc")
        #expect(csv.status == 200 && csv.type?.hasPrefix("text/csv") == true)
        #expect(csv.next == nil, "two events fit in one export")
        let rows = csv.text.split(separator: "\r\n").map(String.init)
        try #require(rows.count == 3, "\(rows)")
        #expect(
            rows[0] == "id,kind,observedAt,receivedAt,site,lane,device,profile,family,severity,containers,plates,seals,ucr,"
                + "declaration,rawSha256,data")
        #expect(rows[1].hasPrefix("\(suspectID),scan.result,2026-01-31T08:15:"), "\(rows[1])")
        #expect(rows[1].contains(",gate-3,2,xr-lane2,"), "\(rows[1])")
        #expect(rows[1].contains(",CSQU3054383,"), "the container as stored, normalized: \(rows[1])")
        #expect(rows[1].contains(",\(sha),"), "the raw record's hash")
        #expect(rows[1].contains("MT-2026-000731"), "the data column keeps the scan's id")
        #expect(rows[2].hasPrefix("\(clearID),scan.result,"), "\(rows[2])")

        // The list's filters: a lane, and a page of one with the cursor to the next.
        let lane = try await Self.fetch(h, "/api/v1/export/events.json?kind=scan.result&lane=2")
        let laneRows = try #require(try JSONSerialization.jsonObject(with: Data(lane.text.utf8)) as? [[String: Any]])
        #expect(laneRows.map { $0["id"] as? String } == [suspectID])
        #expect((laneRows.first?["subject"] as? [String: Any])?["containers"] as? [String] == ["CSQU3054383"])
        let first = try await Self.fetch(h, "/api/v1/export/events.json?kind=scan.result&order=asc&limit=1")
        let cursor = try #require(first.next, "more events match than the export holds")
        let rest = try await Self.fetch(h, "/api/v1/export/events.json?kind=scan.result&order=asc&limit=1&cursor=\(cursor)")
        let restRows = try JSONSerialization.jsonObject(with: Data(rest.text.utf8)) as? [[String: Any]]
        #expect(restRows?.map { $0["id"] as? String } == [clearID])

        let bad = try await h.request("GET", "/api/v1/export/events.csv?severity=loud")
        #expect(bad.status == 400 && bad.json["field"] as? String == "severity")
        try await h.stop()
    }
}
