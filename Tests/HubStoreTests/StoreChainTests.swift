import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// The hash chain, its verification, retention purges and store-and-forward on both stores, with
/// the same assertions: a real SQLite file, and a real PostgreSQL database.
struct StoreChainTests {
    typealias F = ChainFixtures

    /// Events of three kinds at ages either side of `RetentionTests.policy`, a raw record shared
    /// by an aged-out and a kept event, and two unreferenced raw records either side of 30 days.
    static func filled(_ kind: StoreKind, _ dir: TemporaryDirectory) async throws -> StoreUnderTest {
        let under = try await StoreUnderTest.make(kind, dir)
        for i in 0..<4 {
            try await under.store.append(F.batch("radiation.background", i, daysAgo: 100 + Double(i)))
            try await under.store.append(F.batch("radiation.alarm", i, daysAgo: 400))
        }
        let shared = F.record("GA,001234,001300\r\n", daysAgo: 100)
        try await under.store.append(
            IngestBatch(
                records: [shared],
                events: [F.event("radiation.background", raw: shared, daysAgo: 100), F.event("radiation.alarm", raw: shared, daysAgo: 100)]))
        try await under.store.append(IngestBatch(records: [F.record("orphan old\r\n", daysAgo: 31), F.record("orphan new\r\n", daysAgo: 29)]))
        return under
    }

    @Test(arguments: StoreKind.testable)
    func appendsAreChainedAndVerify(kind: StoreKind) async throws {
        let under = try await Self.filled(kind, try TemporaryDirectory("chain"))
        let report = try await under.store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        try #require(report.tables.map(\.table) == [.raw, .events])
        #expect(report.tables.map(\.rows) == [11, 10])
        #expect(report.tables.map(\.headSeq) == [11, 10], "seqs without holes, ending at the head")
        #expect(report.tables[0].bytes > 0 && report.tables[1].bytes > 0)
        await under.store.close()
    }

    @Test(arguments: StoreKind.testable)
    func aChangedBodyAndARemovedRowAreNamed(kind: StoreKind) async throws {
        // Kept to the end: tampering opens the SQLite file again.
        let dir = try TemporaryDirectory("chain")
        let under = try await Self.filled(kind, dir)
        try await under.tamper("UPDATE events SET body = replace(body, '\"alarm\"', '\"info\"') WHERE seq = 2")
        try await under.tamper("DELETE FROM events WHERE seq = 10")
        let events = try await under.store.verify().tables[1]
        try #require(events.broken.count == 2, "\(events.broken)")
        #expect(events.broken[0].seq == 2 && events.broken[0].problem.contains("body no longer hashes"))
        #expect(events.broken[0].deviceID == "rpm-1")
        #expect(events.broken[1].seq == 10 && events.broken[1].problem.contains("were removed"))
        await under.store.close()
        withExtendedLifetime(dir) {}
    }

    @Test(arguments: StoreKind.testable)
    func retentionPurgesOnlyAgedOutRowsAndTheChainStillVerifies(kind: StoreKind) async throws {
        let under = try await Self.filled(kind, try TemporaryDirectory("retention"))
        let store = under.store
        await #expect(throws: (any Error).self, "only retention deletes") { try await under.rawSQL("DELETE FROM events WHERE seq = 1") }
        let runs = try await RetentionPurger(store: store, policy: RetentionTests.policy).purge(now: F.now)
        try #require(runs.map(\.target) == ["events kind=radiation.background", "raw_records"])
        // Five background events past 90 days; their four own records and the old orphan (the
        // shared record is still named by a kept alarm).
        #expect(runs.map(\.rows) == [5, 5])
        #expect(runs[0].batches == 3, "two rows per transaction")
        #expect(try await store.counts() == StoreCounts(events: 5, rawRecords: 6, rawBytes: try await store.counts().rawBytes))
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables.map(\.purgedRows) == [5, 5])
        #expect(report.purges == 3 + runs[1].batches)
        #expect(try await store.auditEntries(action: "retention.purge").count == 2)
        // The next append follows the chain's head, not the purged rows.
        try await store.append(F.batch("radiation.alarm", 9, daysAgo: 1))
        #expect(try await store.verify().intact)
        await store.close()
    }

    @Test(arguments: StoreKind.testable)
    func aGateReadsItsEventsInOrderAndACentralTakesEachOnce(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("forward")
        let gate = try await Self.filled(kind, dir)
        let central = try await StoreUnderTest.make(kind, try TemporaryDirectory("central"))
        let stored = try await gate.store.storedEvents(after: 0, limit: 100)
        #expect(stored.map(\.seq) == Array(1...10))
        #expect(try await gate.store.forwardBacklog(after: 4).events == 6)
        let events = try stored.map { try JSONDecoder().decode(InspectionEvent.self, from: Data($0.body.utf8)) }
        var raw: [ForwardedRawRecord] = []
        for sha in Set(stored.map(\.rawSHA256)) { raw += try await gate.store.rawRecords(sha256: sha).map(ForwardedRawRecord.init) }
        let first = ForwardedBatch(source: "gate-3", after: 0, first: 1, last: 6, events: Array(events[0..<6]), raw: raw)
        let receipt = try await central.store.acceptForwarded(first)
        #expect(receipt == ForwardReceipt(source: "gate-3", received: 6, stored: 6, alreadyHad: 0, rawStored: raw.count, through: 6))
        let again = try await central.store.acceptForwarded(first)
        #expect(again == ForwardReceipt(source: "gate-3", received: 6, stored: 0, alreadyHad: 6, rawStored: 0, through: 6))
        await #expect(throws: ForwardGap.self) {
            try await central.store.acceptForwarded(ForwardedBatch(source: "gate-3", after: 8, first: 9, last: 10, events: [], raw: []))
        }
        let rest = ForwardedBatch(source: "gate-3", after: 6, first: 7, last: 10, events: Array(events[6...]), raw: [])
        #expect(try await central.store.acceptForwarded(rest).through == 10)
        #expect(try await central.store.counts().events == 10)
        #expect(try await central.store.verify().intact, "forwarded rows are chained like the central's own")
        await gate.store.close()
        await central.store.close()
    }
}
