import Foundation
import GRDB
import HubModel
import HubStore
import HubTesting
import Testing

/// Both stores, the same assertions: a real SQLite file, and a real PostgreSQL database.
struct EventStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_000_000)

    static func event(_ n: Int, kind: String, device: String = "rpm-1", site: String = "gate-3", raw: RawRecord)
        -> InspectionEvent
    {
        InspectionEvent(
            id: EventIDGenerator().next(at: t0.addingTimeInterval(Double(n))), kind: kind,
            device: DeviceRef(id: device, profile: "rapiscan-rpm", family: "radiation-portal"), site: site, lane: "1",
            observedAt: t0.addingTimeInterval(Double(n)), receivedAt: t0.addingTimeInterval(Double(n) + 0.5),
            data: ["n": .int(Int64(n))], severity: kind == "radiation.alarm" ? .alarm : .info, raw: raw.ref)
    }

    static func record(_ text: String, device: String = "rpm-1") -> RawRecord {
        let bytes = Array(text.utf8)
        return RawRecord(
            sha256: String(repeating: "0", count: 48) + String(format: "%016x", text.hashValue & 0xFFFF_FFFF),
            format: "rapiscan-lines", deviceID: device, firstReceivedAt: t0, receivedAt: t0, frameCount: 1, bytes: bytes)
    }

    /// 30 events over three kinds and two devices, one raw record each.
    static func filled(_ kind: StoreKind, _ dir: TemporaryDirectory) async throws -> StoreUnderTest {
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        for n in 0..<30 {
            let kind = ["radiation.occupancy", "radiation.alarm", "device.status"][n % 3]
            let r = record("line \(n)\r\n")
            try await store.append(IngestBatch(records: [r], events: [event(n, kind: kind, device: n < 15 ? "rpm-1" : "rpm-2", raw: r)]))
        }
        return under
    }

    @Test(arguments: StoreKind.testable)
    func filtersByKindFamilyDeviceAndTime(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await Self.filled(kind, dir).store
        var q = EventQuery()
        q.kind = "radiation.alarm"
        #expect(try await store.events(q).events.map { $0.data["n"] } == [1, 4, 7, 10, 13, 16, 19, 22, 25, 28].map { .int($0) })
        q.kind = "radiation.*"
        #expect(try await store.events(q).events.count == 20)
        q.kind = "radiation."
        #expect(try await store.events(q).events.count == 20)
        q.kind = "radiation"
        #expect(try await store.events(q).events.isEmpty, "a family without its dot is an exact kind")
        q = EventQuery()
        q.device = "rpm-2"
        q.since = Self.t0.addingTimeInterval(20)
        q.until = Self.t0.addingTimeInterval(25)
        #expect(try await store.events(q).events.map { $0.data["n"] } == [20, 21, 22, 23, 24].map { .int($0) })
        q = EventQuery()
        q.severity = .alarm
        q.site = "gate-3"
        #expect(try await store.events(q).events.count == 10)
    }

    @Test(arguments: StoreKind.testable)
    func pagesWalkEveryEventOnceInEitherOrder(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await Self.filled(kind, dir).store
        for newestFirst in [false, true] {
            var q = EventQuery()
            q.limit = 7
            q.newestFirst = newestFirst
            var seen: [Int64] = []
            var pages = 0
            repeat {
                let page = try await store.events(q)
                seen += page.events.compactMap { if case .int(let n) = $0.data["n"] { n } else { nil } }
                q.cursor = page.next
                pages += 1
            } while q.cursor != nil
            #expect(pages == 5)
            #expect(seen == (newestFirst ? Array((0..<30).reversed()) : Array(0..<30)))
        }
        var bad = EventQuery()
        bad.cursor = "x"
        await #expect(throws: InvalidCursor.self) { try await store.events(bad) }
    }

    @Test(arguments: StoreKind.testable)
    func eventsAndRawRecordsSurviveReopeningAndPointAtEachOther(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("store")
        let under = try await Self.filled(kind, dir)
        let stored = try await under.store.events(EventQuery()).events
        try #require(stored.count > 5)
        let some = stored[5]
        await under.store.close()
        let reopened = try await under.reopen()
        #expect(try await reopened.counts() == StoreCounts(events: 30, rawRecords: 30, rawBytes: 260))
        #expect(try await reopened.event(id: some.id) == some)
        let raw = try await reopened.rawRecords(sha256: some.raw.sha256)
        #expect(raw.map { String(decoding: $0.bytes, as: UTF8.self) } == ["line 5\r\n"])
        #expect(try await reopened.event(id: "nope") == nil)
    }

    @Test(arguments: StoreKind.testable)
    func theArchiveIsAppendOnly(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("store")
        let under = try await Self.filled(kind, dir)
        var refused = ["UPDATE events SET kind = 'x'", "DELETE FROM events", "UPDATE raw_records SET format = 'x'",
                       "DELETE FROM raw_records"]
        if kind == .postgres { refused += ["TRUNCATE events", "TRUNCATE raw_records"] }
        for sql in refused {
            await #expect(throws: (any Error).self, "\(sql)") { try await under.rawSQL(sql) }
        }
        #expect(try await under.store.counts() == StoreCounts(events: 30, rawRecords: 30, rawBytes: 260))
        if kind == .sqlite {
            let db = try DatabaseQueue(path: dir.path("hub.sqlite"))
            #expect(try await db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        }
    }

    @Test(arguments: StoreKind.testable)
    func aBatchIsAllOrNothing(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("store")
        let store = try await StoreUnderTest.make(kind, dir).store
        let r = Self.record("x\r\n")
        let e = Self.event(1, kind: "radiation.alarm", raw: r)
        try await store.append(IngestBatch(records: [r], events: [e]))
        // The same event id again fails the batch, and its new raw record must not be left behind.
        let r2 = Self.record("y\r\n")
        await #expect(throws: (any Error).self) { try await store.append(IngestBatch(records: [r2], events: [e])) }
        #expect(try await store.counts() == StoreCounts(events: 1, rawRecords: 1, rawBytes: 3))
    }
}
