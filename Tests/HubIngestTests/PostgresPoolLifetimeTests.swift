#if PostgreSQL
import Foundation
import HubTesting
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@testable import HubStorePostgres

/// The pool a store moves to after a failover is the store's: it is made in whichever task noticed
/// the primary gone (an HTTP request's write, a lease renewal), and must not stop when that task's
/// service does. postgres-nio's pool stops at the graceful shutdown of the service group it finds in
/// its task's locals; the hub's shutdown stops the HTTP server first, so a pool made by a request
/// went with it while the stages and the feed still read and wrote, and the hub hung stopping.
@Suite(.timeLimit(.minutes(2)))
struct PostgresPoolLifetimeTests {
    static let logger = { var l = Logger(label: "pool-lifetime-test"); l.logLevel = .warning; return l }()

    /// A service that moves the store to a new pool, as its own write would on finding the primary
    /// gone, then runs until it is told to stop.
    struct Relocating: Service {
        let store: PostgresEventStore
        func run() async throws {
            let generation = store.pool.withLock { $0.generation }
            await store.relocate(from: generation, after: PostgresEventStore.PoolMoved()).value
            try? await gracefulShutdown()
        }
    }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aPoolMadeInAServiceOutlivesThatServicesShutdown() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        let group = ServiceGroup(configuration: .init(services: [Relocating(store: store)], logger: Self.logger))
        let running = Task { try await group.run() }
        let moved = await eventually { store.pool.withLock { $0.generation } == 1 }
        try #require(moved, "the store did not move to a new pool")
        await group.triggerGracefulShutdown()
        try await running.value
        // The service has stopped; the store still reads and writes through the pool it made.
        let head = try await Deadline.within(.seconds(10), what: "reading the store after the service stopped") {
            try await store.headSeq()
        }
        #expect(head == 0)
        try await Deadline.within(.seconds(10), what: "writing to the store after the service stopped") {
            try await store.setFeedCursor("pool-lifetime", "1")
        }
        #expect(try await store.feedCursor("pool-lifetime") == "1")
        #expect(store.pool.withLock { $0.generation } == 1, "the store had to move again")
        await store.close()
    }

    /// A query the old pool is running when the store moves fails at the move (`PoolMoved`), so its
    /// caller reads again on the new pool: it does not wait on a pool the store has left (one taken
    /// by a primary as it died was seen to wait for ever).
    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aQueryOnAPoolTheStoreLeftFailsAtTheMove() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        let sleeping = "SELECT pg_sleep(120) -- pool-lifetime"
        let slow = Task { try await store.client.query(PostgresQuery(unsafeSQL: sleeping), logger: Self.logger).collect().count }
        let running = await eventually {
            (try? await Self.count(store, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = '\(sleeping)' AND state = 'active'")) == 1
        }
        try #require(running, "the slow query did not start")
        await store.relocate(from: 0, after: PostgresEventStore.PoolMoved()).value
        await #expect(throws: PostgresEventStore.PoolMoved.self) { _ = try await slow.value }
        // The new pool answers; the server's sleeping backend is stopped.
        // (The cancel in the select list: only the rows the filter kept are cancelled.)
        let cancelled = try await Self.count(
            store,
            """
            SELECT count(*) FROM (SELECT pg_cancel_backend(pid) AS done FROM pg_stat_activity
            WHERE datname = current_database() AND query = '\(sleeping)') s WHERE done
            """)
        #expect(cancelled == 1)
        await store.close()
    }

    static func count(_ store: PostgresEventStore, _ sql: String) async throws -> Int {
        var n = 0
        for try await c in try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { n = c }
        return n
    }
}
#endif
