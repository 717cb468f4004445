import Foundation
import HubModel
import HubStore
import HubTesting
import Synchronization
import Testing

@testable import HubIngest

/// The group committer's order under a backlog: an urgent batch (the sink's choice for an
/// alarm) is written before the batches queued ahead of it, and such batches cannot hold the others
/// back for more than one write at a time.
struct GroupCommitterTests {
    /// A real SQLite store whose appends each wait for the test's permission, and which records
    /// which events each append carried.
    final class HeldStore: EventStore {
        let store: SQLiteEventStore
        private let state = Mutex<(permits: Int, waiting: [CheckedContinuation<Void, Never>], appends: [[String]])>((0, [], []))

        init(_ store: SQLiteEventStore) { self.store = store }

        /// The event ids of each append started so far, in order.
        var appends: [[String]] { state.withLock { $0.appends } }

        /// Lets one append (waiting or the next to come) write.
        func release() {
            let go = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if s.waiting.isEmpty {
                    s.permits += 1
                    return nil
                }
                return s.waiting.removeFirst()
            }
            go?.resume()
        }

        func append(_ batch: IngestBatch) async throws {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    s.appends.append(batch.events.map(\.id))
                    guard s.permits > 0 else {
                        s.waiting.append(c)
                        return false
                    }
                    s.permits -= 1
                    return true
                }
                if now { c.resume() }
            }
            try await store.append(batch)
        }

        func events(_ query: EventQuery) async throws -> EventPage { try await store.events(query) }
        func event(id: String) async throws -> InspectionEvent? { try await store.event(id: id) }
        func rawRecords(sha256: String) async throws -> [RawRecord] { try await store.rawRecords(sha256: sha256) }
        func rawChainProof(sha256: String) async throws -> RawChainLookup { try await store.rawChainProof(sha256: sha256) }
        func counts() async throws -> StoreCounts { try await store.counts() }
        func ingestedFile(deviceID: String, name: String, sha256: String) async throws -> IngestedFile? {
            try await store.ingestedFile(deviceID: deviceID, name: name, sha256: sha256)
        }
    }

    static func batch(_ id: String, _ severity: Severity) -> IngestBatch {
        let now = Date()
        let e = InspectionEvent(
            id: id, kind: severity == .alarm ? "radiation.alarm" : EventKind.gpsFix,
            device: DeviceRef(id: "d-\(id)", profile: "p", family: "f"), site: nil, lane: nil,
            observedAt: now, receivedAt: now, data: ["id": .string(id)], severity: severity,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
        return IngestBatch(records: [], events: [e])
    }

    @Test(.timeLimit(.minutes(1))) func anAlarmIsWrittenBeforeTheBacklogAndDoesNotStarveIt() async throws {
        let dir = try TemporaryDirectory("group-commit-order")
        let held = HeldStore(try SQLiteEventStore(path: dir.path("hub.sqlite")))
        let committer = GroupCommitter(store: held, maxBatches: 2)
        let writes = Mutex<[Task<Void, any Error>]>([])
        func commit(_ id: String, _ severity: Severity) {
            let t = Task { try await committer.commit(Self.batch(id, severity), urgent: severity == .alarm) }
            writes.withLock { $0.append(t) }
        }

        // The first batch is being written (held); three others and an alarm queue behind it.
        commit("first", .info)
        #expect(await eventually { held.appends.count == 1 })
        // One at a time, so that they queue in this order.
        for (n, id) in ["n1", "n2", "n3"].enumerated() {
            commit(id, .info)
            #expect(await eventually { committer.pending == n + 1 })
        }
        commit("alarm1", .alarm)
        #expect(await eventually { committer.pending == 4 })

        // The alarm goes next, alone, ahead of the three queued before it.
        held.release()
        #expect(await eventually { held.appends.count == 2 })
        #expect(held.appends[1] == ["alarm1"])

        // Another alarm arrives while that one is written: the waiting others go first this time.
        commit("alarm2", .alarm)
        #expect(await eventually { committer.pending == 4 })
        held.release()
        #expect(await eventually { held.appends.count == 3 })
        #expect(held.appends[2] == ["n1", "n2"])

        for _ in 0..<3 { held.release() }
        for t in writes.withLock({ $0 }) { try await t.value }
        #expect(held.appends == [["first"], ["alarm1"], ["n1", "n2"], ["alarm2"], ["n3"]])
        #expect(committer.pending == 0)
        // Every batch is in the store, whatever order it was written in.
        let stored = try await held.store.counts()
        #expect(stored.events == 6)
    }
}
