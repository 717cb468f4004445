import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// Events by the seal their subject names (what a restarted transit watch reads back), on both
/// stores: any case, with the other filters, and not an event that only names another seal.
struct EventQuerySealTests {
    static let t0 = EventStoreTests.t0

    static func event(_ n: Int, kind: String, seals: [String], raw: RawRecord) -> InspectionEvent {
        InspectionEvent(
            id: EventIDGenerator().next(at: t0.addingTimeInterval(Double(n))), kind: kind,
            device: DeviceRef(id: "seals", profile: "ascii-eseal", family: "e-seal"), site: nil, lane: nil,
            observedAt: t0.addingTimeInterval(Double(n) * 60), receivedAt: t0.addingTimeInterval(Double(n) * 60),
            subject: Subject(seals: seals), data: ["n": .int(Int64(n))], severity: .info, raw: raw.ref)
    }

    @Test(arguments: StoreKind.testable)
    func eventsNamingASeal(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("seal-query")
        let store = try await StoreUnderTest.make(kind, dir).store
        let named: [(kind: String, seals: [String])] = [
            ("seal.status", ["es-7"]), ("device.status", ["ES-8"]), ("seal.status", ["ES-7", "ES-8"]), ("device.status", []),
            ("transit.deviation", ["ES-7"]), ("seal.status", ["ES-77"]),
        ]
        for (n, e) in named.enumerated() {
            let r = EventStoreTests.record("seal line \(n)\r\n", device: "seals")
            try await store.append(IngestBatch(records: [r], events: [Self.event(n, kind: e.kind, seals: e.seals, raw: r)]))
        }
        var q = EventQuery()
        q.seal = "Es-7"
        #expect(try await store.events(q).events.map { $0.data["n"] } == [0, 2, 4].map { .int($0) })
        q.kind = "transit."
        #expect(try await store.events(q).events.map { $0.data["n"] } == [.int(4)])
        q = EventQuery()
        q.seal = "ES-7"
        q.since = Self.t0.addingTimeInterval(60)
        q.limit = 1
        let first = try await store.events(q)
        #expect(first.events.map { $0.data["n"] } == [.int(2)])
        q.cursor = try #require(first.next)
        #expect(try await store.events(q).events.map { $0.data["n"] } == [.int(4)], "paged in stored order")
        await store.close()
    }
}
