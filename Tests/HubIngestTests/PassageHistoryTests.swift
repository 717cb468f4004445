import Foundation
import HubCorrelation
import HubIngest
import HubModel
import HubStore
import HubTesting
import Testing

/// What a restarted hub reads back from a real SQLite store to rebuild its lanes: the events of every
/// kind with a part in passages (`PassageRole.memberKinds`) and the passages and resolutions already
/// stored, and none of the other kinds.
struct PassageHistoryTests {
    @Test func aRestartReadsBackThePassageKindsAndNothingElse() async throws {
        let dir = try TemporaryDirectory("history")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        let at = Date().addingTimeInterval(-10)
        let ids = EventIDGenerator()
        for (n, kind) in EventKind.all.enumerated() {
            let r = RawRecord(
                sha256: String(repeating: "0", count: 48) + String(format: "%016x", n), format: "test-lines", deviceID: "d\(n)",
                firstReceivedAt: at, receivedAt: at, frameCount: 1, bytes: Array("frame \(n)\r\n".utf8))
            let e = InspectionEvent(
                id: ids.next(at: at), kind: kind, device: DeviceRef(id: "d\(n)", profile: "p", family: "f"), site: "gate-3",
                lane: "1", observedAt: at, receivedAt: at, data: ["n": .int(Int64(n))], severity: .info, raw: r.ref)
            try await store.append(IngestBatch(records: [r], events: [e]))
        }
        let back = await PassageHistory.load(store, sites: ["gate-3"], windows: PassageWindows())
        let expected = [
            EventKind.occupancyStart, EventKind.occupancy, EventKind.ocrRead, EventKind.scanResult, EventKind.sealStatus,
            EventKind.traceAlarm, EventKind.traceClear, EventKind.deviceStatus, EventKind.passage, EventKind.passageResolution,
        ]
        #expect(back.map(\.kind).sorted() == expected.sorted())
        #expect(back.map(\.id) == back.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }.map(\.id))
        await store.close()
    }
}
