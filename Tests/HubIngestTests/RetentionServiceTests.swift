import Foundation
import HubApp
import HubAppTesting
import HubModel
import HubServer
import HubStore
import HubTesting
import Testing

/// The retention service inside a running hub: the site config's policy purges at start, the audit
/// API lists the purge, and the store still verifies.
@Suite(.timeLimit(.minutes(2)))
struct RetentionServiceTests {
    @Test func aRunningHubPurgesWhatItsConfigLetsAgeOut() async throws {
        let dir = try TemporaryDirectory("retention-hub")
        let longAgo = Date().addingTimeInterval(-400 * 86_400)
        let ids = EventIDGenerator()
        do {
            let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
            for i in 0..<30 {
                let kind = i % 10 == 0 ? "radiation.alarm" : "radiation.background"
                let bytes = Array("GB,00\(i),000400,000500,000600\r\n".utf8)
                let record = RawRecord(
                    sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: "rapiscan-lines", deviceID: "rpm-lane1",
                    firstReceivedAt: longAgo, receivedAt: longAgo, frameCount: 1, bytes: bytes)
                let event = InspectionEvent(
                    id: ids.next(at: longAgo), kind: kind, device: DeviceRef(id: "rpm-lane1", profile: "rapiscan-rpm", family: "radiation-portal"),
                    site: "e2e-gate", lane: "1", observedAt: longAgo, receivedAt: longAgo, data: [:],
                    severity: kind == "radiation.alarm" ? .alarm : .info, raw: record.ref)
                try await store.append(IngestBatch(records: [record], events: [event]))
            }
        }
        let h = try await HubHarness(
            reusing: dir, devices: "  []",
            siteExtra: "retention:\n  kinds: {radiation.background: 90d}\n  raw: 90d\n  batch: 4\n  pause: 1ms")
        func count(_ kind: String) async throws -> Int {
            var q = EventQuery()
            q.kind = kind
            return try await h.hub.store.events(q).events.count
        }
        #expect(await eventually { (try? await count("radiation.background")) == 0 }, "the old background events go")
        #expect(try await count("radiation.alarm") == 3, "kinds without an age are kept")
        let audit = try await h.request("GET", "/api/v1/audit?action=retention.purge")
        #expect(audit.status == 200)
        #expect(audit.text.contains("events kind=radiation.background") && audit.text.contains("deleted 27 row(s)"), "\(audit.text)")
        #expect(await eventually { (try? await h.hub.store.rawRecords(sha256: ChainHash.hex(ChainHash.sha256(Array("GB,001,000400,000500,000600\r\n".utf8)))).isEmpty) == true })
        let report = try await h.hub.store.verify()
        #expect(report.intact && report.tables[1].purgedRows == 27)
        try await h.stop()
    }
}
