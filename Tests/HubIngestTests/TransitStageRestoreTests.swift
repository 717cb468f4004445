import Foundation
import HubCorrelation
import HubIngest
import HubModel
import HubStore
import HubStorePostgres
import HubTesting
import Logging
import Testing

/// Transit watches survive a restart and a hand-over, on a real store of either kind: a new stage
/// over the same store rebuilds them from the stored findings and the seal's stored fixes, stores
/// no finding twice, and stores once a finding the old owner made but never stored.
struct TransitStageRestoreTests {
    static let ids = EventIDGenerator()
    /// Cat Lai (Ho Chi Minh City) north-west to Moc Bai.
    static let corridor: [[Double]] = [[10.7600, 106.7900], [10.9000, 106.5000], [11.0700, 106.1900]]
    static let destination = (lat: 11.0700, lon: 106.1902)

    static func open(_ kind: StoreKind, _ dir: TemporaryDirectory) async throws -> any HubRecordStore {
        switch kind {
        case .sqlite: return try SQLiteEventStore(path: dir.path("hub.sqlite"))
        case .postgres:
            let at = try await PostgresTestServer.scratch()
            #if PostgreSQL
            var logger = Logger(label: "transit-restore")
            logger.logLevel = .warning
            return try await PostgresEventStore.open(at, logger: logger)
            #else
            throw PostgresTestServer.Unavailable(why: "built without the PostgreSQL trait (\(at.redacted))")
            #endif
        }
    }

    /// A transit under way for the last hour, due in an hour, sealed with `seal`.
    static func declare(_ number: String, seal: String, in store: any HubRecordStore) async throws -> Declaration {
        let now = Date()
        let d = Declaration(
            number: number, type: .transit, office: "02CI", trader: .init(tin: "0301234567"), seals: [seal], channel: .green,
            transit: .init(origin: "02CI", destination: "45BC", corridor: corridor, route: nil, bufferM: 500,
                           start: now.addingTimeInterval(-3600), end: now.addingTimeInterval(3600)))
        return try await store.save(d, at: now).declaration
    }

    /// A new store of `kind` (in `dir`, kept by the caller) holding transit `number` sealed with `seal`.
    static func transit(_ kind: StoreKind, _ dir: TemporaryDirectory, _ number: String, seal: String) async throws
        -> (store: any HubRecordStore, declaration: Declaration)
    {
        let store = try await open(kind, dir)
        return (store, try await declare(number, seal: seal, in: store))
    }

    /// Positions of the seal, `minutes` after `base`, stored as the seal's unit delivers them:
    /// naming the seal, or (`named` false) as a tracking e-seal that is its own seal does (GT06).
    static func fixes(
        _ seal: String, _ points: [(minutes: Double, lat: Double, lon: Double)], base: Date, named: Bool = true,
        into store: any HubRecordStore
    ) async throws -> [InspectionEvent]
    {
        let now = Date()
        let bytes = Array("fixes \(seal) \(points.map(\.minutes))\r\n".utf8)
        let record = RawRecord(
            sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: "ascii-eseal", deviceID: seal, firstReceivedAt: now,
            receivedAt: now, frameCount: 1, bytes: bytes)
        let events = points.map { p in
            InspectionEvent(
                id: ids.next(at: now), kind: EventKind.gpsFix, device: DeviceRef(id: seal, profile: "ascii-eseal", family: "e-seal"),
                site: nil, lane: nil, observedAt: base.addingTimeInterval(p.minutes * 60), receivedAt: now, subject: named ? Subject(seals: [seal]) : Subject(),
                data: ["lat": .double(p.lat), "lon": .double(p.lon), "speedKmh": .double(40), "source": .string("eseal")],
                severity: .info, raw: record.ref)
        }
        try await store.append(IngestBatch(records: [record], events: events))
        return events
    }

    static func stage(_ store: any HubRecordStore) -> TransitStage {
        TransitStage(declarations: store, ids: ids, history: .store(store))
    }

    /// How many `transit.<finding>` events about `number` the store holds.
    static func count(_ finding: String, _ number: String, in store: any HubRecordStore) async throws -> Int {
        var q = EventQuery()
        q.kind = EventKind.transit(finding)
        q.limit = EventQuery.maxLimit
        return try await store.events(q).events.filter { $0.subject.declaration == number }.count
    }

    static let off = (lat: 10.86, lon: 106.70)
    /// On the corridor, then three fixes about 5 km off it: a deviation at the third.
    static let leaving: [(minutes: Double, lat: Double, lon: Double)] = [
        (0, 10.80, 106.71), (1, off.lat, off.lon), (2, off.lat, off.lon), (3, off.lat, off.lon),
    ]

    @Test(arguments: StoreKind.testable)
    func aRestartedStageSaysNothingTwice(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("transit-restore")
        let (store, d) = try await Self.transit(kind, dir, "TR-1", seal: "ESR1")
        let base = Date()
        var first = Self.stage(store)
        #expect(await first.start().concluded.isEmpty, "the seal has not reported: nothing to watch yet")
        let leaving = try await Self.fixes("ESR1", Self.leaving, base: base, into: store)
        let alarm = await first.take(StoredEvents(leaving))
        #expect(alarm.events.map(\.kind) == [EventKind.transit("deviation")])
        try await store.append(alarm)

        // The hub restarts (or another takes over): the watch comes back deviating.
        var second = Self.stage(store)
        #expect(await second.start().concluded.isEmpty)
        #expect(second.shared.active().map(\.status) == [.deviated], "the map shows the restored transit")
        let still = try await Self.fixes("ESR1", [(4, Self.off.lat, Self.off.lon), (5, Self.off.lat, Self.off.lon)], base: base, into: store)
        #expect(await second.take(StoredEvents(still)).isEmpty, "still deviating: not said again")
        let due = try #require(d.transit?.end)
        // Past the due time, silent since the last fix: both said, once.
        let overdue = await second.tick(now: due.addingTimeInterval(60))
        #expect(overdue.events.map(\.kind) == [EventKind.transit("signal-lost"), EventKind.transit("overdue")])
        try await store.append(overdue)

        var third = Self.stage(store)
        #expect(await third.start().concluded.isEmpty)
        #expect(await third.tick(now: due.addingTimeInterval(120)).isEmpty, "overdue and the silence are said once")
        let there = try await Self.fixes("ESR1", [(90, Self.destination.lat, Self.destination.lon)], base: base, into: store)
        let arrival = await third.take(StoredEvents(there))
        #expect(arrival.events.map(\.kind) == [EventKind.transit("signal-regained"), EventKind.transit("arrived")])
        try await store.append(arrival)

        // Restarted after the arrival, the seal still reporting at the destination: arrived once.
        var fourth = Self.stage(store)
        #expect(await fourth.start().concluded.isEmpty)
        #expect(fourth.shared.active().isEmpty, "an arrived transit leaves the map")
        let again = try await Self.fixes("ESR1", [(95, Self.destination.lat, Self.destination.lon)], base: base, into: store)
        #expect(await fourth.take(StoredEvents(again)).isEmpty)

        for (finding, n) in [("deviation", 1), ("signal-lost", 1), ("overdue", 1), ("signal-regained", 1), ("arrived", 1), ("returned", 0)] {
            #expect(try await Self.count(finding, "TR-1", in: store) == n, "transit.\(finding)")
        }
        await store.close()
    }

    @Test(arguments: StoreKind.testable)
    func aFindingTheOldOwnerNeverStoredIsStoredOnceAtStart(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("transit-died")
        let store = try await Self.transit(kind, dir, "TR-2", seal: "ESR2").store
        let base = Date()
        // The fixes were stored; the stage that would have found the deviation stopped first.
        let leaving = try await Self.fixes("ESR2", Self.leaving, base: base, into: store)
        var next = Self.stage(store)
        let start = await next.start()
        let deviation = try #require(start.concluded.events.first)
        #expect(start.concluded.events.map(\.kind) == [EventKind.transit("deviation")])
        #expect(Timestamp.format(deviation.observedAt) == Timestamp.format(leaving[3].observedAt), "the fix that made it")
        #expect(deviation.subject.declaration == "TR-2" && deviation.subject.seals == ["ESR2"])
        try await store.append(start.concluded)
        // The same fixes, queued for the stage while it started, are not fed twice.
        #expect(await next.take(StoredEvents(leaving)).isEmpty)

        var after = Self.stage(store)
        #expect(await after.start().concluded.isEmpty)
        #expect(try await Self.count("deviation", "TR-2", in: store) == 1)
        await store.close()
    }

    @Test(arguments: StoreKind.testable)
    func aTrackingSealThatIsItsOwnSealIsRestoredFromItsUnitsPositions(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("transit-gt06")
        let store = try await Self.transit(kind, dir, "TR-3", seal: "862000000000003").store
        let base = Date()
        var first = Self.stage(store)
        let leaving = try await Self.fixes("862000000000003", Self.leaving, base: base, named: false, into: store)
        let alarm = await first.take(StoredEvents(leaving))
        #expect(alarm.events.map(\.kind) == [EventKind.transit("deviation")])
        try await store.append(alarm)

        var second = Self.stage(store)
        #expect(await second.start().concluded.isEmpty)
        let still = try await Self.fixes("862000000000003", [(4, Self.off.lat, Self.off.lon)], base: base, named: false, into: store)
        #expect(await second.take(StoredEvents(still)).isEmpty, "still deviating: not said again")
        #expect(try await Self.count("deviation", "TR-3", in: store) == 1)
        await store.close()
    }
}
