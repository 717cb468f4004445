import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// What a restarted hub must still assess: declarations without an assessment of their version in
/// force, and declarations with a linked event newer than their latest assessment; on both stores.
struct RiskBacklogTests {
    static func event(_ kind: String, subject: Subject, data: [String: JSONValue] = [:], n: Int) -> InspectionEvent {
        InspectionEvent(
            id: EventIDGenerator().next(at: EventStoreTests.t0.addingTimeInterval(Double(n))), kind: kind,
            device: DeviceRef(id: "x", profile: "p", family: "f"), site: "s", lane: "1", observedAt: EventStoreTests.t0,
            receivedAt: EventStoreTests.t0, subject: subject, data: data, severity: .info,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
    }

    static func assessment(_ number: String, version: Int, n: Int) -> InspectionEvent {
        event("risk.assessment", subject: Subject(declaration: number), data: ["declarationVersion": .int(Int64(version))], n: n)
    }

    @Test(arguments: StoreKind.testable)
    func declarationsLeftUnassessedAreFound(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("risk-backlog")
        let s = try await StoreUnderTest.make(kind, dir)
        defer { Task { await s.store.close() } }
        let store = try #require(s.store as? any HubRecordStore & RiskBacklogStore, "\(kind) has no risk backlog")
        let decl = { (n: String, c: String) in LinkOrderTests.declaration(n, containers: [c], plates: []) }
        _ = try await store.save(decl("D1", "CSQU3054383"), at: Date())
        _ = try await store.save(decl("D2", "TCNU7200794"), at: Date())
        #expect(try await store.declarationsAwaitingAssessment() == ["D1", "D2"])
        try await store.append(IngestBatch(events: [Self.assessment("D1", version: 1, n: 1), Self.assessment("D2", version: 1, n: 2)]))
        #expect(try await store.declarationsAwaitingAssessment() == [])
        // An amendment of D2 not yet assessed, and a scan of D1's container after its assessment.
        _ = try await store.save(decl("D2", "GYOU4047990"), at: Date())
        try await store.append(IngestBatch(events: [Self.event("scan.result", subject: Subject(containers: ["CSQU3054383"]), n: 3)]))
        #expect(try await store.declarationsAwaitingAssessment() == ["D1", "D2"])
        try await store.append(IngestBatch(events: [Self.assessment("D1", version: 1, n: 4), Self.assessment("D2", version: 2, n: 5)]))
        #expect(try await store.declarationsAwaitingAssessment() == [])
    }
}
