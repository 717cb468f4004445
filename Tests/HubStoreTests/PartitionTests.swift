import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

#if PostgreSQL
import Logging
import PostgresNIO
@testable import HubStorePostgres
#endif

/// Events partitioned by time on PostgreSQL (migration 12): an older store keeps every event and
/// its chain through the migration, the open partition rolls when the newest events enter a new
/// period, and retention drops a partition whole only when every kind in it is past its age,
/// with the ledger bridging the gap for `verify`.
@Suite(.timeLimit(.minutes(5)))
struct PartitionTests {
    typealias F = ChainFixtures

    static let utc = { var c = Calendar(identifier: .gregorian); c.timeZone = TimeZone(identifier: "UTC")!; return c }()

    static func date(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ s: Int = 0) -> Date {
        utc.date(from: DateComponents(year: y, month: m, day: d, hour: h, second: s))!
    }

    @Test func periodsStartOnTheFirstOfTheMonthAndOnMondaysInUTC() {
        // 2026-11-18 is a Wednesday.
        #expect(PartitionPeriod.month.start(of: Self.date(2026, 11, 18, 11)) == Self.date(2026, 11, 1))
        #expect(PartitionPeriod.week.start(of: Self.date(2026, 11, 18, 11)) == Self.date(2026, 11, 16))
        #expect(PartitionPeriod.week.start(of: Self.date(2026, 11, 15, 23)) == Self.date(2026, 11, 9))
        #expect(PartitionPeriod.month.start(of: Self.date(2027, 1, 1)) == Self.date(2027, 1, 1))
        #expect(RetentionPolicy().partition == .month)
    }

    #if PostgreSQL
    static let enabled = PostgresTestServer.wanted
    static let logger = { var l = Logger(label: "partition-test"); l.logLevel = .warning; return l }()

    /// One record and one event of `kind` received at `at`.
    static func batch(_ kind: String, _ n: Int, at: Date, containers: [String]? = nil) -> IngestBatch {
        let days = F.now.timeIntervalSince(at) / 86_400
        let r = F.record("\(kind) \(n) \(at.timeIntervalSince1970)\r\n", daysAgo: days)
        return IngestBatch(records: [r], events: [F.event(kind, raw: r, daysAgo: days, containers: containers)])
    }

    static func daysAgo(_ d: Double) -> Date { F.now.addingTimeInterval(-d * 86_400) }

    static func partitions(_ store: PostgresEventStore) async throws -> [EventPartition] {
        try await store.client.withConnection { try await PostgresEventStore.partitions($0, logger) }
    }

    /// The first column of each row, as text.
    static func column(_ store: PostgresEventStore, _ sql: String) async throws -> [String] {
        try await store.client.withConnection { db in
            var out: [String] = []
            for try await v in try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) { out.append(v) }
            return out
        }
    }

    /// A database brought up to `through` only, as an older build left it, with `batches`
    /// appended by the store's own insert under the append lock.
    static func olderStore(through: Int, _ batches: [IngestBatch]) async throws -> PostgresLocation {
        let at = try await PostgresTestServer.scratch()
        let client = PostgresClient(configuration: PostgresEventStore.configuration(at))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        try await PostgresSchema.migrate(client, store: "older", logger: logger, through: through)
        for batch in batches {
            let bodies = try batch.events.map { try $0.jsonLine() }
            try await client.withTransaction(logger: logger) { db in
                try await db.query("SELECT pg_advisory_xact_lock(\(PostgresEventStore.appendLock))", logger: logger)
                try await PostgresEventStore.insert(db, batch, bodies: bodies, now: Timestamp.format(F.now), logger)
            }
        }
        return at
    }

    @Test(.enabled(if: enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func aStoreFromBeforeTheMigrationKeepsEveryEventAndItsChain() async throws {
        var batches: [IngestBatch] = []
        for i in 0..<30 { batches.append(Self.batch(i % 3 == 0 ? "radiation.alarm" : "radiation.background", i, at: Self.daysAgo(Double(60 - i)))) }
        batches.append(Self.batch("device.status", 99, at: Self.daysAgo(1), containers: ["CSQU3054383"]))
        let at = try await Self.olderStore(through: 11, batches)

        let store = try await PostgresEventStore.open(at, logger: Self.logger)
        // Migrated through the newest migration (12 partitions the events; later ones follow it).
        let newest = try #require(PostgresSchema.migrations.last?.version)
        #expect(newest >= 12)
        #expect(try await Self.column(store, "SELECT MAX(version)::text FROM niihub_schema") == ["\(newest)"])
        #expect(try await Self.partitions(store) == [
            EventPartition(name: "events_p0", lower: nil, upper: 32), EventPartition(name: "events_p32", lower: 32, upper: nil),
        ])
        #expect(try await store.counts().events == 31)
        for e in batches.flatMap(\.events) { #expect(try await store.event(id: e.id)?.kind == e.kind) }
        #expect(try await store.storedEvents(after: 0, limit: 100).map(\.seq) == Array(1...31))
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables.map(\.rows) == [31, 31])
        #expect(report.tables[1].headSeq == 31)
        // The indexes are the parent's again; the old table keeps its unique id index for itself.
        let indexes = try await Self.column(store, "SELECT indexname::text FROM pg_indexes WHERE tablename = 'events' ORDER BY 1")
        #expect(indexes == [
            "events_device", "events_id", "events_kind", "events_kind_received", "events_observed", "events_pkey", "events_raw",
            "events_risk_declaration", "events_site",
        ])
        #expect(try await Self.column(store, "SELECT indexname::text FROM pg_indexes WHERE tablename = 'events_p0' AND indexdef LIKE 'CREATE UNIQUE%(id)'") == ["events_p0_id_key"])

        // Appends go to the open partition, after the head.
        try await store.append(Self.batch("radiation.alarm", 100, at: F.now))
        #expect(try await Self.column(store, "SELECT tableoid::regclass::text FROM events WHERE seq = 32") == ["events_p32"])
        #expect(try await store.verify().intact)

        // Ids stay unique across partitions: a stored id, or one repeated in a batch, is refused.
        let old = batches[0].events[0]
        await #expect(throws: (any Error).self) { try await store.append(IngestBatch(events: [old])) }
        let fresh = Self.batch("radiation.alarm", 101, at: F.now)
        await #expect(throws: (any Error).self) {
            try await store.append(IngestBatch(records: fresh.records, events: fresh.events + fresh.events))
        }
        // A retried batch keeps only what is not stored yet.
        var retried = IngestBatch(records: batches[1].records + fresh.records, events: batches[1].events + fresh.events)
        retried.retried = true
        try await store.append(retried)
        #expect(try await store.counts().events == 33)

        // Every partition is append-only, by name too.
        for sql in [
            "DELETE FROM events WHERE seq = 1", "UPDATE events SET kind = 'x' WHERE seq = 32", "TRUNCATE events",
            "TRUNCATE events_p0", "TRUNCATE events_p32", "DELETE FROM events_p32",
        ] {
            await #expect(throws: (any Error).self, "\(sql)") { try await store.execute(unsafeSQL: sql) }
        }
        let after = try await store.verify()
        #expect(after.intact, "\(after.tables.flatMap(\.broken))")
        #expect(after.tables[1].rows == 33)
        await store.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func theOpenPartitionRollsWhenTheNewestEventsEnterTheNextPeriod() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        #expect(try await Self.partitions(store) == [
            EventPartition(name: "events_p0", lower: nil, upper: 1), EventPartition(name: "events_p1", lower: 1, upper: nil),
        ])
        try await store.append(Self.batch("radiation.background", 1, at: Self.date(2026, 10, 30, 12)))
        try await store.append(Self.batch("radiation.alarm", 2, at: Self.date(2026, 10, 31, 23)))
        #expect(try await store.rollPartition(period: .month) == nil, "still October")
        try await store.append(Self.batch("radiation.alarm", 3, at: Self.date(2026, 11, 1, 0, 5)))
        // The roll runs in the retention service's turn: the purger rolls before it purges.
        let policy = RetentionPolicy(kinds: ["radiation.background": RetentionAge("90d")!], pauseSeconds: 0)
        #expect(try await RetentionPurger(store: store, policy: policy).purge(now: Self.date(2026, 11, 1, 1)).isEmpty)
        #expect(try await Self.partitions(store) == [
            EventPartition(name: "events_p1", lower: 1, upper: 4), EventPartition(name: "events_p4", lower: 4, upper: nil),
        ], "closed after the head; the empty first partition dropped")
        #expect(try await store.rollPartition(period: .month) == nil, "nothing in the open partition yet")

        try await store.append(Self.batch("radiation.alarm", 4, at: Self.date(2026, 11, 2, 10)))
        #expect(try await Self.column(store, "SELECT tableoid::regclass::text FROM events WHERE seq = 4") == ["events_p4"])
        #expect(try await store.rollPartition(period: .month) == nil)
        try await store.append(Self.batch("radiation.alarm", 5, at: Self.date(2026, 11, 9, 10)))
        #expect(try await store.rollPartition(period: .month) == nil, "the same month")
        #expect(try await store.rollPartition(period: .week) == "events_p4", "Monday 9 November starts a week")
        #expect(try await Self.partitions(store).map(\.name) == ["events_p1", "events_p4", "events_p6"])
        #expect(try await Self.partitions(store)[1].upper == 6)

        // A reader holding the table (as a verify's snapshot does) puts the roll off to the next
        // turn instead of holding appends behind it.
        try await store.append(Self.batch("radiation.alarm", 6, at: Self.date(2026, 11, 10, 10)))
        try await store.append(Self.batch("radiation.alarm", 7, at: Self.date(2026, 11, 16, 10)))
        let putOff = try await store.client.withTransaction(logger: Self.logger) { db in
            try await db.query("SELECT count(*) FROM events", logger: Self.logger)
            return try await store.rollPartition(period: .week)
        }
        #expect(putOff == nil)
        #expect(try await store.rollPartition(period: .week) == "events_p6")
        #expect(try await Self.partitions(store).map(\.name) == ["events_p1", "events_p4", "events_p6", "events_p8"])

        #expect(try await store.storedEvents(after: 0, limit: 10).map(\.seq) == [1, 2, 3, 4, 5, 6, 7])
        await #expect(throws: (any Error).self) { try await store.execute(unsafeSQL: "TRUNCATE events_p6") }
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables[1].rows == 7)
        await store.close()
    }

    static let policy = RetentionPolicy(
        defaultAge: RetentionAge("5y"), kinds: ["radiation.background": RetentionAge("90d")!, "device.*": RetentionAge("1y")!],
        batchRows: 2, pauseSeconds: 0)

    @Test(.enabled(if: enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func aFullyAgedPartitionIsDroppedWithItsSeqsInTheLedger() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        let dropped = (0..<3).map { Self.batch("radiation.background", $0, at: Self.daysAgo(200)) }
            + [Self.batch("radiation.background", 3, at: Self.daysAgo(165), containers: ["CSQU3054383"])]
        for b in dropped { try await store.append(b) }
        #expect(try await store.rollPartition(period: .month) == "events_p1")
        let kept = [
            Self.batch("radiation.alarm", 4, at: Self.daysAgo(10)), Self.batch("radiation.alarm", 5, at: Self.daysAgo(10)),
            Self.batch("radiation.background", 6, at: Self.daysAgo(10)),
        ]
        for b in kept { try await store.append(b) }

        let runs = try await RetentionPurger(store: store, policy: Self.policy).purge(now: F.now)
        try #require(runs.map(\.target) == ["events partition=events_p1"])
        #expect(runs[0].rows == 4)
        #expect(runs[0].partition == DroppedPartition(name: "events_p1", firstSeq: 1, lastSeq: 4))
        #expect(Timestamp.format(runs[0].before) == Timestamp.format(Self.daysAgo(165)))
        #expect(try await Self.partitions(store).map(\.name) == ["events_p5"])
        #expect(try await Self.column(store, "SELECT first_seq || '-' || last_seq FROM purged_ranges WHERE tbl = 'events'") == ["1-4"])
        #expect(try await Self.column(store, "SELECT count(*)::text FROM event_keys") == ["0"], "the dropped events' link keys go too")

        #expect(try await store.counts().events == 3)
        for e in dropped.flatMap(\.events) { #expect(try await store.event(id: e.id) == nil) }
        for e in kept.flatMap(\.events) { #expect(try await store.event(id: e.id)?.kind == e.kind) }
        #expect(try await store.storedEvents(after: 0, limit: 10).map(\.seq) == [5, 6, 7])
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables[1].rows == 3 && report.tables[1].purgedRows == 4)
        #expect(report.purges == 1)
        let audit = try await store.auditEntries(action: "retention.purge")
        #expect(audit.map(\.target) == ["events partition=events_p1"])
        #expect(audit.first?.detail?.contains("dropped partition events_p1: 4 row(s), seqs 1–4") == true)

        // The chain goes on from the head, and a second pass finds nothing.
        try await store.append(Self.batch("radiation.alarm", 7, at: F.now))
        #expect(try await RetentionPurger(store: store, policy: Self.policy).purge(now: F.now).isEmpty)
        #expect(try await store.verify().intact)
        await store.close()
    }

    @Test(.enabled(if: enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func aPartitionHoldingALongerKeptKindIsKeptAndItsShortLivedRowsPurged() async throws {
        let store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: Self.logger)
        for (n, kind, days) in [
            (0, "radiation.background", 200.0), (1, "device.status", 200), (2, "radiation.background", 200), (3, "device.status", 165),
            (4, "radiation.background", 165),
        ] {
            try await store.append(Self.batch(kind, n, at: Self.daysAgo(days)))
        }
        #expect(try await store.rollPartition(period: .month) == "events_p1")
        try await store.append(Self.batch("radiation.alarm", 5, at: Self.daysAgo(10)))

        // device.status is kept a year: the partition stays, its background rows go one by one.
        let runs = try await RetentionPurger(store: store, policy: Self.policy).purge(now: F.now)
        #expect(runs.map(\.target) == ["events kind=radiation.background"])
        #expect(runs.map(\.rows) == [3])
        #expect(try await Self.partitions(store).map(\.name) == ["events_p1", "events_p6"])
        #expect(try await store.verify().intact)

        // A kind kept for ever keeps its partition for ever.
        let forever = RetentionPolicy(kinds: ["radiation.background": RetentionAge("90d")!], pauseSeconds: 0)
        #expect(try await RetentionPurger(store: store, policy: forever).purge(now: Self.date(2040, 1, 1)).isEmpty)
        #expect(try await Self.partitions(store).map(\.name) == ["events_p1", "events_p6"])

        // 250 days on, device.status is past its year too: the partition goes, its two remaining
        // rows as two ledger runs between the rows purged before.
        let later = try await RetentionPurger(store: store, policy: Self.policy).purge(now: F.now.addingTimeInterval(250 * 86_400))
        #expect(later.map(\.target) == ["events partition=events_p1"])
        #expect(later.first?.rows == 2)
        #expect(later.first?.partition == DroppedPartition(name: "events_p1", firstSeq: 2, lastSeq: 4))
        #expect(try await Self.column(store, "SELECT first_seq || '-' || last_seq FROM purged_ranges WHERE tbl = 'events' ORDER BY first_seq")
            == ["1-1", "2-2", "3-3", "4-4", "5-5"])
        let report = try await store.verify()
        #expect(report.intact, "\(report.tables.flatMap(\.broken))")
        #expect(report.tables[1].rows == 1 && report.tables[1].purgedRows == 5)
        await store.close()
    }

    /// Not a check: how long migration 12 takes on `NIIHUB_PARTITION_MIGRATION_ROWS` events
    /// (`make`-free: run with that variable set to measure).
    @Test(.enabled(if: enabled && ProcessInfo.processInfo.environment["NIIHUB_PARTITION_MIGRATION_ROWS"] != nil))
    func migrationTimeOnALargeTable() async throws {
        let rows = Int(ProcessInfo.processInfo.environment["NIIHUB_PARTITION_MIGRATION_ROWS"] ?? "") ?? 200_000
        let at = try await Self.olderStore(through: 11, [])
        let client = PostgresClient(configuration: PostgresEventStore.configuration(at))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        // Rows written straight in SQL (the migration does not read their chain), ~600 bytes of body each.
        try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO events (seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body, body_sha256, chain)
                    OVERRIDING SYSTEM VALUE
                    SELECT g, lpad(g::text, 26, '0'), (ARRAY['radiation.background','radiation.alarm','gps.fix'])[g % 3 + 1], 'rpm-' || (g % 50),
                           'gate-3', '1', 'info', to_char(timestamp '2026-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                           to_char(timestamp '2026-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), md5(g::text),
                           '{"subject":{},"data":"' || repeat('x', 560) || '"}', sha256(g::text::bytea), sha256(g::text::bytea)
                    FROM generate_series(1, \(rows)) g
                    """), logger: Self.logger)
        try await client.query("UPDATE chain_heads SET seq = \(Int64(rows)) WHERE tbl = 'events'", logger: Self.logger)
        try await client.query("ANALYZE events", logger: Self.logger)
        let started = ContinuousClock.now
        try await PostgresSchema.migrate(client, store: "large", logger: Self.logger)
        let took = ContinuousClock.now - started
        print("migration 12 on \(rows) events took \(took)")
        var count = 0
        for try await n in try await client.query("SELECT count(*)::bigint FROM events", logger: Self.logger).decode(Int.self) { count = n }
        #expect(count == rows)
    }
    #endif
}
