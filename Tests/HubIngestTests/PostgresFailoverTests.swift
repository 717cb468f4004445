#if PostgreSQL
import Foundation
import HubDevices
import HubIngest
import HubModel
import HubStore
import HubStorePostgres
import HubTesting
import Logging
import Synchronization
import Testing

/// The store on a primary with a synchronous streaming standby (`scripts/pg-pair.sh`), the primary
/// SIGKILLed under load and the standby promoted: devices wait for their acks instead of losing
/// them, and whatever was acknowledged is on the new primary exactly once.
@Suite(.timeLimit(.minutes(5)))
struct PostgresFailoverTests {
    static let logger = Logger(label: "failover-test")
    static let ids = EventIDGenerator()

    /// One raw record and one event of device `device`, numbered `n`: its bytes say which, so each
    /// is told apart by its hash.
    static func batch(_ device: String, _ n: Int) -> IngestBatch {
        let bytes = Array("$POS,\(device),\(n)\r\n".utf8)
        let now = Date()
        let r = RawRecord(
            sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: "test-lines", deviceID: device, firstReceivedAt: now,
            receivedAt: now, frameCount: 1, bytes: bytes)
        let e = InspectionEvent(
            id: ids.next(at: now), kind: "seal.position", device: DeviceRef(id: device, profile: "test", family: "gps-seal"),
            site: "gate-1", lane: nil, observedAt: now, receivedAt: now, data: ["n": .int(Int64(n))], severity: .info,
            raw: r.ref)
        return IngestBatch(records: [r], events: [e])
    }

    /// What the writers were told was stored, by event id.
    final class Acks: Sendable {
        let ids = Mutex<[String]>([])
        let refused = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        var count: Int { ids.withLock { $0.count } }
    }

    @Test(.enabled(if: PostgresPair.installed || PostgresTestServer.required, "needs the PostgreSQL server binaries"))
    func acknowledgedBatchesSurviveAKilledPrimaryExactlyOnce() async throws {
        let pair = try await PostgresPair.start(sync: true)
        defer { Task { await pair.stop() } }
        let at = try PostgresLocation(url: pair.url)
        let store = try await PostgresEventStore.open(at, logger: Self.logger, connectTimeout: .seconds(60))
        let sink = IngestSink(
            store: store, registry: DeviceRegistry(devices: []), ids: Self.ids, storeWait: .seconds(90), logger: Self.logger)
        let acks = Acks()
        // Four devices writing as fast as the store takes them, so batches are merged into shared
        // transactions and some are in flight when the primary dies.
        let writers = (1...4).map { w in
            Task {
                var n = 0
                while !acks.stop.load(ordering: .relaxed) {
                    n += 1
                    let b = Self.batch("seal-\(w)", n)
                    if await sink.deliver(deviceID: "seal-\(w)", batch: b, counted: DecodeCounters()) {
                        acks.ids.withLock { $0.append(b.events[0].id) }
                    } else {
                        acks.refused.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(await eventually(timeout: .seconds(60)) { acks.count >= 200 })
        let beforeKill = acks.count
        try await pair.killPrimary()
        let atKill = acks.count
        try await pair.promote()
        #expect(await eventually(timeout: .seconds(90)) { acks.count >= atKill + 200 }, "writes resume on the promoted standby")
        acks.stop.store(true, ordering: .relaxed)
        for w in writers { await w.value }
        let acked = acks.ids.withLock { $0 }
        #expect(acks.refused.load(ordering: .relaxed) == 0, "no device was refused its ack while the standby took over")

        // Every acknowledged event is on the new primary, once; nothing is there twice.
        let p2 = pair.standbyPort
        let stored = try await pair.query(port: p2, sql: "SELECT count(*), count(DISTINCT id), count(DISTINCT raw_sha256) FROM events")
        let storedIDs = Set(try await pair.query(port: p2, sql: "SELECT id FROM events").split(separator: "\n").map(String.init))
        #expect(acked.allSatisfy(storedIDs.contains), "\(acked.filter { !storedIDs.contains($0) }.count) acknowledged events missing")
        let fields = stored.split(separator: "|").compactMap { Int($0) }
        #expect(fields.count == 3 && fields[0] == fields[1] && fields[1] == fields[2], "events, distinct ids, distinct raw hashes: \(stored)")
        #expect(try await pair.query(port: p2, sql: "SELECT count(*) = count(DISTINCT sha256) FROM raw_records") == "t")
        let verification = try await store.verify()
        #expect(verification.intact, "\(verification)")
        print(
            "failover: \(beforeKill) acks before the kill, \(acked.count) in all, \(fields.first ?? -1) events stored, "
                + "\(storedIDs.count - acked.count) stored but unacknowledged (in flight at the end)")
        await store.close()
    }

    /// A batch whose first try was committed although its answer was lost is kept once when it is
    /// tried again, alone or merged with new batches.
    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aRetriedBatchKeepsOnlyWhatTheStoreLacks() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        let first = Self.batch("seal-9", 1)
        try await store.append(first)
        var again = first
        again.retried = true
        try await store.append(again)
        var merged = again
        merged.append(Self.batch("seal-9", 2))
        try await store.append(merged)
        let counts = try await store.counts()
        #expect(counts.events == 2 && counts.rawRecords == 2, "\(counts)")
        // Without the flag a repeat is an error, as before: only a retry may be partly stored.
        await #expect(throws: (any Error).self) { try await store.append(first) }
        #expect(try await store.verify().intact)
        await store.close()
    }

    /// A URL that names the standby first settles on the primary.
    @Test(.enabled(if: PostgresPair.installed || PostgresTestServer.required, "needs the PostgreSQL server binaries"))
    func aStoreNamingTheStandbyFirstWritesToThePrimary() async throws {
        let pair = try await PostgresPair.start(sync: false)
        defer { Task { await pair.stop() } }
        let at = try PostgresLocation(
            url: "postgres://niihub@127.0.0.1:\(pair.standbyPort),127.0.0.1:\(pair.primaryPort)/postgres?target_session_attrs=read-write&sslmode=disable")
        let store = try await PostgresEventStore.open(at, logger: Self.logger)
        try await store.append(Self.batch("seal-3", 1))
        #expect(try await store.counts().events == 1)
        #expect(try await pair.query(port: pair.primaryPort, sql: "SELECT count(*) FROM events") == "1")
        await store.close()
    }
}
#endif
