import Foundation
import GRDB
import HubModel
@testable import HubStore
import HubTesting
import Testing

/// The write-ahead log is copied into the database file in the background: commits that stay far
/// below the writer's own checkpoint threshold still reach the file, and the chain stays whole.
struct WALCheckpointerTests {
    /// Events in a copy of the database file alone (no log beside it): what a checkpoint put there.
    static func eventsInFileAlone(_ path: String, _ dir: TemporaryDirectory) throws -> Int {
        let copy = dir.path("file-alone-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        return try DatabaseQueue(path: copy).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    @Test func commitsReachTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let dir = try TemporaryDirectory("wal-checkpoint")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        // The writer would only checkpoint itself past this many pages of log.
        let inline = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
        #expect(inline == WALCheckpointer.inlinePages)
        for b in 0..<60 {
            var batch = IngestBatch()
            for i in 0..<20 { batch.append(ChainFixtures.batch("gps.fix", b * 20 + i, daysAgo: 1)) }
            try await store.append(batch)
        }
        // Far fewer pages than the writer's threshold: only a background checkpoint can have
        // copied them into the file (one is due after every 256 rows, 128 events).
        let logBytes = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        #expect(logBytes > 0 && logBytes / 4096 < WALCheckpointer.inlinePages)
        #expect(await eventually { ((try? Self.eventsInFileAlone(path, dir)) ?? 0) >= 1_000 })
        #expect(store.checkpointer.checkpoints.background >= 1)
        let report = try await store.verify()
        #expect(report.intact)
        #expect(report.tables.map(\.rows) == [1_200, 1_200])
    }

    /// The writer's page cache holds a group commit's pages; the readers keep SQLite's default,
    /// so a pool of readers does not multiply it.
    @Test func onlyTheWriterHasTheLargePageCache() async throws {
        let dir = try TemporaryDirectory("wal-cache")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        let writer = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") }
        let reader = try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") }
        #expect(writer == -SQLiteEventStore.writerCacheKiB)
        #expect(reader == -2_000)
    }

    /// Every commit syncs the log (`synchronous = FULL`, 2): what a device was acked for survives a
    /// power cut, not only a killed process. GRDB turns a pool's writer to NORMAL (1) when it sets
    /// up WAL mode, which syncs only at checkpoints; the store sets FULL again after it.
    @Test func theWriterSyncsTheLogAtEveryCommit() async throws {
        let dir = try TemporaryDirectory("wal-sync")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        try await store.append(ChainFixtures.batch("gps.fix", 0, daysAgo: 1))
        let writer = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(writer == 2)
        // Opened again, as after a restart: the setting is the connection's, not the file's.
        let again = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        #expect(try await again.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
    }

    /// A quiet store (a few commits) is not synced after each of them: rows are only counted.
    @Test func aFewCommitsOnlyCountTowardsTheNextCheckpoint() async throws {
        let dir = try TemporaryDirectory("wal-quiet")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        for i in 0..<10 { try await store.append(ChainFixtures.batch("gps.fix", i, daysAgo: 1)) }
        let backlog = store.checkpointer.backlog
        #expect(backlog.rows == 20 && !backlog.scheduled, "\(backlog)")
    }

    /// Commits back to back never leave the log fully copied at the moment the next one starts, so
    /// SQLite would not start it over: the last pages are copied on the writer between two commits,
    /// and the log stays near `restartPages` instead of growing to the writer's own bound.
    @Test func theLogStartsOverUnderBackToBackCommits() async throws {
        let dir = try TemporaryDirectory("wal-restart")
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        var written = 0
        // Until the writer has finished two checkpoints (a fast machine needs more commits to span them).
        for b in 0..<4_000 {
            var batch = IngestBatch()
            for i in 0..<25 { batch.append(ChainFixtures.batch("gps.fix", b * 25 + i, daysAgo: 1)) }
            try await store.append(batch)
            written += 25
            if store.checkpointer.checkpoints.finishedOnWriter >= 2 { break }
        }
        #expect(store.checkpointer.checkpoints.finishedOnWriter >= 2, "\(written) events written")
        let logPages = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0) / 4096
        #expect(logPages < WALCheckpointer.inlinePages / 2, "the log reached \(logPages) pages")
        let report = try await store.verify()
        #expect(report.intact)
        #expect(report.tables.map(\.rows) == [written, written])
    }
}
