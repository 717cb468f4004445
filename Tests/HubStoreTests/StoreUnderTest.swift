import Foundation
import GRDB
import HubModel
import HubStore
import HubStorePostgres
import HubTesting
import Logging
import Testing

/// A store of either kind for one test, and what the test does behind its back: open it again,
/// and run SQL on it directly (to check what the schema refuses).
struct StoreUnderTest {
    let kind: StoreKind
    let store: any HubRecordStore
    let reopen: @Sendable () async throws -> any HubRecordStore
    let rawSQL: @Sendable (String) async throws -> Void
    /// Runs SQL past the append-only triggers: what someone with the database's owner rights could do.
    let tamper: @Sendable (String) async throws -> Void

    /// A new, empty store: a SQLite file in `dir`, or a fresh database on the test PostgreSQL.
    static func make(_ kind: StoreKind, _ dir: TemporaryDirectory) async throws -> StoreUnderTest {
        switch kind {
        case .sqlite:
            let path = dir.path("hub.sqlite")
            return StoreUnderTest(
                kind: kind, store: try SQLiteEventStore(path: path), reopen: { try SQLiteEventStore(path: path) },
                rawSQL: { sql in try await DatabaseQueue(path: path).write { try $0.execute(sql: sql) } },
                tamper: { try ChainFixtures.tamper(path, $0) })
        case .postgres:
            let at = try await PostgresTestServer.scratch()
            #if PostgreSQL
            let logger = { var l = Logger(label: "store-test"); l.logLevel = .warning; return l }()
            let store = try await PostgresEventStore.open(at, logger: logger)
            return StoreUnderTest(
                kind: kind, store: store, reopen: { try await PostgresEventStore.open(at, logger: logger) },
                rawSQL: { try await store.execute(unsafeSQL: $0) },
                tamper: { try await store.execute(unsafeSQL: "DO $$ BEGIN SET LOCAL session_replication_role = replica; \($0); END $$") })
            #else
            throw PostgresTestServer.Unavailable(why: "built without the PostgreSQL trait (\(at.redacted))")
            #endif
        }
    }
}

/// Says so when the PostgreSQL cases did not run, instead of passing quietly on SQLite alone.
struct PostgresAvailabilityTests {
    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func theTestServerTakesAStore() async throws {
        let s = try await StoreUnderTest.make(.postgres, try TemporaryDirectory("pg"))
        #expect(try await s.store.counts() == StoreCounts(events: 0, rawRecords: 0, rawBytes: 0))
        await s.store.close()
    }
}
