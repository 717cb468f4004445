import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// Schemas are brought up to date at open: by several hubs at once without harm, and never on a
/// store a newer hub has migrated further.
struct MigrationTests {
    @Test(arguments: StoreKind.testable)
    func hubsOpeningAtOnceMigrateOnceAndANewerSchemaIsRefused(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("migrate")
        let first = try await StoreUnderTest.make(kind, dir)
        // The first open migrated; a second empty database for the race, opened by four at once.
        let race = try await StoreUnderTest.make(kind, try TemporaryDirectory("migrate-race"))
        await race.store.close()
        let opened = try await withThrowingTaskGroup(of: StoreCounts.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let s = try await race.reopen()
                    let r = EventStoreTests.record("race")
                    try await s.append(IngestBatch(records: [r], events: [EventStoreTests.event(1, kind: "device.status", raw: r).withNewID()]))
                    let c = try await s.counts()
                    await s.close()
                    return c
                }
            }
            return try await group.reduce(into: [StoreCounts]()) { $0.append($1) }
        }
        #expect(opened.count == 4)
        let after = try await race.reopen()
        #expect(try await after.counts().events == 4)
        await after.close()

        let future = kind == .sqlite
            ? "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')"
            : "INSERT INTO niihub_schema (version, name) VALUES (99, 'from-the-future')"
        try await first.rawSQL(future)
        await first.store.close()
        await #expect(throws: NewerSchema.self) { _ = try await first.reopen() }
    }
}

extension InspectionEvent {
    /// The same event under a fresh id (ids are unique in a store).
    func withNewID() -> InspectionEvent {
        var e = self
        e.id = EventIDGenerator().next(at: observedAt)
        return e
    }
}
