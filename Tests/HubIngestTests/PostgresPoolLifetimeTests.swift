#if PostgreSQL
import Foundation
import HubTesting
import Logging
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
}
#endif
