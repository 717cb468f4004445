import Foundation
import GRDB
import HubModel
@testable import HubStore
import HubTesting
import Testing

/// The hash chain on a real SQLite file: built as batches are appended, over old stores by the
/// migration, and broken by any change made to the file behind the store's back.
struct HashChainStoreTests {
    static func filled(_ dir: TemporaryDirectory, _ n: Int = 12) async throws -> (SQLiteEventStore, String) {
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        for i in 0..<n {
            try await store.append(ChainFixtures.batch(i % 3 == 0 ? "radiation.alarm" : "radiation.background", i, daysAgo: Double(20 - i), device: "rpm-\(i % 2)"))
        }
        return (store, path)
    }

    @Test func concurrentAppendsNeverForkTheChain() async throws {
        let dir = try TemporaryDirectory("chain")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<25 { try await store.append(ChainFixtures.batch("gps.fix", task * 100 + i, daysAgo: 1)) }
                }
            }
            try await group.waitForAll()
        }
        let report = try await store.verify()
        #expect(report.intact)
        #expect(report.tables.map(\.rows) == [200, 200])
        #expect(report.tables.map(\.headSeq) == [200, 200])
        let chains = try await DatabaseQueue(path: dir.path("hub.sqlite")).read {
            try Data.fetchAll($0, sql: "SELECT chain FROM raw_records")
        }
        #expect(Set(chains).count == 200, "every record has its own link")
    }

    @Test func theMigrationChainsAStoreFromBeforeTheChainAsIfItHadAlwaysBeenChained() async throws {
        let dir = try TemporaryDirectory("chain")
        let batches = (0..<6).map { ChainFixtures.batch("radiation.background", $0, daysAgo: 3) }
        let fresh = try SQLiteEventStore(path: dir.path("fresh.sqlite"))
        for b in batches { try await fresh.append(b) }

        // The same rows written as the hub wrote them before v6, with one seq never used (4).
        let legacyPath = dir.path("legacy.sqlite")
        let legacy = try DatabaseQueue(path: legacyPath)
        try SQLiteEventStore.migrator.migrate(legacy, upTo: "v3-risk-by-declaration")
        try await legacy.write { db in
            for (i, b) in batches.enumerated() {
                let r = b.records[0], e = b.events[0]
                let seq = i < 3 ? i + 1 : i + 2
                try db.execute(
                    sql: "INSERT INTO raw_records (seq, sha256, format, device_id, first_received_at, received_at, frame_count, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [seq, r.sha256, r.format, r.deviceID, Timestamp.format(r.firstReceivedAt), Timestamp.format(r.receivedAt), r.frameCount, Data(r.bytes)])
                try db.execute(
                    sql: "INSERT INTO events (id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [e.id, e.kind, e.device.id, e.site, e.lane, e.severity.rawValue, Timestamp.format(e.observedAt),
                                Timestamp.format(e.receivedAt), e.raw.sha256, try e.jsonLine()])
            }
        }
        let migrated = try SQLiteEventStore(path: legacyPath)
        let report = try await migrated.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables.map(\.rows) == [6, 6])
        #expect(report.tables[0].purgedRows == 1, "the unused seq is bridged by the ledger")
        #expect(try ChainFixtures.count(legacyPath, "SELECT COUNT(*) FROM purges WHERE reason LIKE 'seqs missing when%'") == 1)
        // Events had no gap: their chain is the one a store that always had it computes.
        let freshReport = try await fresh.verify()
        #expect(report.tables[1].headChain == freshReport.tables[1].headChain)
        // And appending goes on from the migrated head.
        try await migrated.append(ChainFixtures.batch("radiation.alarm", 99, daysAgo: 0))
        let after = try await migrated.verify()
        #expect(after.intact && after.tables.map(\.headSeq) == [8, 7])
    }

    @Test func oneFlippedByteOfARecordIsNamedWithItsDeviceAndTime() async throws {
        let dir = try TemporaryDirectory("chain")
        let (_, path) = try await Self.filled(dir)
        // One byte: "background" becomes "backgroune".
        try ChainFixtures.tamper(
            path, "UPDATE raw_records SET bytes = CAST(replace(CAST(bytes AS TEXT), 'background', 'backgroune') AS BLOB) WHERE seq = 5")
        #expect(try ChainFixtures.count(path, "SELECT length(bytes) FROM raw_records WHERE seq = 5") == 29)
        let report = try await SQLiteEventStore(path: path).verify()
        #expect(!report.intact)
        let raw = report.tables[0]
        #expect(raw.breakCount == 1)
        #expect(raw.broken.first?.seq == 5)
        #expect(raw.broken.first?.deviceID == "rpm-0")
        #expect(raw.broken.first?.receivedAt == Timestamp.format(ChainFixtures.now.addingTimeInterval(-16 * 86_400)))
        #expect(raw.broken.first?.problem.contains("bytes no longer hash") == true)
        #expect(report.tables[1].breakCount == 0)
    }

    @Test func aChangedEventBodyOrColumnIsCaught() async throws {
        let dir = try TemporaryDirectory("chain")
        let (_, path) = try await Self.filled(dir)
        try ChainFixtures.tamper(path, "UPDATE events SET body = replace(body, '\"alarm\"', '\"info\"') WHERE seq = 4")
        try ChainFixtures.tamper(path, "UPDATE events SET kind = 'radiation.occupancy' WHERE seq = 9")
        let events = try await SQLiteEventStore(path: path).verify().tables[1]
        try #require(events.broken.map(\.seq) == [4, 9])
        #expect(events.broken[0].problem.contains("body no longer hashes"))
        #expect(events.broken[1].problem.contains("chain value differs"))
        #expect(events.broken[1].deviceID == "rpm-0")
    }

    @Test func removedRowsAreCaughtInTheMiddleAndAtTheEnd() async throws {
        let dir = try TemporaryDirectory("chain")
        let (_, path) = try await Self.filled(dir)
        try ChainFixtures.tamper(path, "DELETE FROM events WHERE seq IN (6, 7)")
        try ChainFixtures.tamper(path, "DELETE FROM raw_records WHERE seq = 12")
        let report = try await SQLiteEventStore(path: path).verify()
        #expect(report.tables[1].broken.first?.seq == 6)
        #expect(report.tables[1].broken.first?.problem.contains("seqs 6–7 are missing") == true)
        #expect(report.tables[1].broken.first?.deviceID == nil, "the row is gone")
        #expect(report.tables[0].broken.map(\.seq) == [12])
        #expect(report.tables[0].broken.first?.problem.contains("rows 12–12 were removed") == true)
        #expect(report.tables[1].broken.contains { $0.seq == 12 && $0.problem.contains("not in the archive") },
                "the event whose raw record went is named too")
    }
}
