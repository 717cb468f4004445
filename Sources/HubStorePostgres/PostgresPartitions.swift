#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import PostgresNIO

/// One partition of `events`: a range of seqs, the last one open (`upper` nil) and taking appends.
/// Partitions are named `events_p` and their first seq (`events_p0` for what the table held when
/// it was partitioned, from MINVALUE).
struct EventPartition: Sendable, Equatable {
    var name: String
    /// The first seq it may hold; nil for MINVALUE.
    var lower: Int64?
    /// One past the last seq it may hold; nil for MAXVALUE (the open partition).
    var upper: Int64?

    /// Reads PostgreSQL's bound text, `FOR VALUES FROM ('1001') TO (MAXVALUE)`.
    init?(name: String, bound: String) {
        func value(after word: String) -> Int64?? {
            guard let start = bound.range(of: word + " (")?.upperBound,
                let end = bound[start...].firstIndex(of: ")")
            else { return nil }
            let text = bound[start..<end].trimmingCharacters(in: CharacterSet(charactersIn: "' "))
            if text == "MINVALUE" || text == "MAXVALUE" { return .some(nil) }
            return Int64(text).map { .some($0) }
        }
        guard let lower = value(after: "FROM"), let upper = value(after: "TO") else { return nil }
        self.init(name: name, lower: lower, upper: upper)
    }

    init(name: String, lower: Int64?, upper: Int64?) {
        self.name = name
        self.lower = lower
        self.upper = upper
    }

    static func name(from lower: Int64) -> String { "events_p\(lower)" }

    /// The bound clause, for ATTACH and CREATE … PARTITION OF.
    var bounds: String { "FROM (\(lower.map(String.init) ?? "MINVALUE")) TO (\(upper.map(String.init) ?? "MAXVALUE"))" }
}

/// `events` is partitioned by range of `seq`, with bounds set when the newest events enter a new
/// period (`PartitionPeriod`), so a period's events are one partition and retention can drop it
/// whole. No index can keep ids unique across partitions, so appends check ids under the append
/// lock (`refuseStoredIDs`).
extension PostgresEventStore {
    /// The partitions of `events`, in seq order (the open one last).
    static func partitions(_ db: PostgresConnection, _ logger: Logger) async throws -> [EventPartition] {
        var out: [EventPartition] = []
        for try await (name, bound) in try await db.query(
            """
            SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass
            """, logger: logger
        ).decode((String, String).self) {
            guard let p = EventPartition(name: name, bound: bound) else {
                throw StoreCorruption(what: "events partition \(name) has bounds this build cannot read: \(bound)")
            }
            out.append(p)
        }
        return out.sorted { ($0.lower ?? .min) < ($1.lower ?? .min) }
    }

    /// Refuses a batch whose events repeat an id, among themselves or with one stored: what
    /// `UNIQUE (id)` did before the table was partitioned. Inside the appending transaction, which
    /// holds `appendLock`, so no other append can store the same id in between.
    static func refuseStoredIDs(_ db: PostgresConnection, _ events: [InspectionEvent], _ logger: Logger) async throws {
        guard !events.isEmpty else { return }
        let ids = events.map(\.id)
        var repeated = Set<String>()
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted { repeated.insert(id) }
        repeated.formUnion(try await strings(db, "SELECT id FROM events WHERE id = ANY(\(ids))", logger))
        if !repeated.isEmpty { throw DuplicateEventIDs(ids: repeated.sorted()) }
    }

    /// Migration 12: the table as it is becomes the first partition (`events_p0`, up to the chain
    /// head), and an open partition takes what comes next. Its `UNIQUE (id)` stays on it alone; its
    /// other indexes are made again on the parent, where ATTACH adopts the matching ones.
    static func partitionEvents(_ db: PostgresConnection, _ logger: Logger) async throws {
        var next: Int64 = 1
        for try await n in try await db.query(
            "SELECT GREATEST((SELECT MAX(seq) FROM events), (SELECT seq FROM chain_heads WHERE tbl = 'events'), 0) + 1",
            logger: logger
        ).decode(Int64.self) {
            next = n
        }
        var indexes: [(name: String, definition: String, primary: Bool, unique: Bool)] = []
        for try await index in try await db.query(
            """
            SELECT c.relname::text, pg_get_indexdef(i.indexrelid), i.indisprimary, i.indisunique
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'events'::regclass
            """, logger: logger
        ).decode((String, String, Bool, Bool).self) {
            indexes.append(index)
        }
        let legacy = EventPartition(name: "events_p0", lower: nil, upper: next)
        var statements = [
            "ALTER TABLE events RENAME TO events_p0",
            "DROP TRIGGER IF EXISTS events_append_only ON events_p0",
            "DROP TRIGGER IF EXISTS events_no_truncate ON events_p0",
            "ALTER TABLE events_p0 ALTER COLUMN seq DROP IDENTITY IF EXISTS",
        ]
        // Index names are per schema: the parent's take the old names.
        statements += indexes.map { "ALTER INDEX \"\($0.name)\" RENAME TO \"events_p0_\($0.name.dropPrefix("events_"))\"" }
        statements += [
            "CREATE TABLE events (LIKE events_p0, PRIMARY KEY (seq)) PARTITION BY RANGE (seq)",
        ] + triggers(on: "events")
        // The CHECK lets ATTACH trust the bounds without a second scan.
        statements += [
            "ALTER TABLE events_p0 ADD CONSTRAINT events_p0_bounds CHECK (seq < \(next))",
            "ALTER TABLE events ATTACH PARTITION events_p0 FOR VALUES \(legacy.bounds)",
            "ALTER TABLE events_p0 DROP CONSTRAINT events_p0_bounds",
        ] + truncateTrigger(on: "events_p0")
        statements += openPartition(from: next)
        for index in indexes where !index.primary {
            statements.append(
                index.unique
                    ? index.definition.replacingOccurrences(
                        of: "CREATE UNIQUE INDEX \(index.name) ON", with: "CREATE INDEX \(index.name.dropSuffix("_key")) ON")
                    : index.definition)
        }
        for sql in statements { try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    /// How long a roll or a drop waits for the table: DETACH needs it to itself, so it queues behind
    /// every reader (a `verify` holds it for its whole snapshot), and appends wait behind the roll's
    /// append lock meanwhile. Past this the change is put off to the next retention turn.
    static let partitionLockWait = "2s"

    /// Takes the append lock and bounds the wait for the table's lock (`partitionLockWait`).
    static func beginPartitionChange(_ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query("SELECT pg_advisory_xact_lock(\(appendLock))", logger: logger)
        try await db.query(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(partitionLockWait)'"), logger: logger)
    }

    /// Runs a partition change; nil when it gave up waiting for the table's lock (SQLSTATE 55P03),
    /// so the turn's row purges still run.
    static func putOffWhenBusy<T>(_ what: String, _ logger: Logger, _ body: () async throws -> T) async throws -> T? {
        do {
            return try await body()
        } catch let e as PostgresTransactionError {
            guard let psql = e.closureError as? PSQLError, psql.serverInfo?[.sqlState] == "55P03" else { throw e }
            logger.warning("events partition \(what) put off to the next turn: readers held the table past \(partitionLockWait)")
            return nil
        }
    }

    /// Creates the open partition from `first` on, with its own TRUNCATE trigger (a statement
    /// trigger on the parent does not fire for a partition truncated by name).
    static func openPartition(from first: Int64) -> [String] {
        let open = EventPartition(name: EventPartition.name(from: first), lower: first, upper: nil)
        return ["CREATE TABLE \(open.name) PARTITION OF events FOR VALUES \(open.bounds)"] + truncateTrigger(on: open.name)
    }

    /// The parent's append-only triggers; the row trigger is cloned onto every partition.
    static func triggers(on table: String) -> [String] {
        [
            "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION niihub_refuse_change('events')",
            "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION niihub_refuse_change('events')",
        ]
    }

    static func truncateTrigger(on partition: String) -> [String] {
        [
            "CREATE TRIGGER \(partition)_no_truncate BEFORE TRUNCATE ON \(partition) FOR EACH STATEMENT EXECUTE FUNCTION niihub_refuse_change('events')"
        ]
    }

    public func rollPartition(period: PartitionPeriod) async throws -> String? {
        let logger = self.logger
        let closed = try await Self.putOffWhenBusy("roll", logger) {
            try await self.client.withTransaction(logger: logger) { db in try await Self.roll(db, period: period, logger) }
        } ?? nil
        if let closed {
            logger.info(
                "events partition closed",
                metadata: ["partition": "\(closed.name)", "upTo": "\((closed.upper ?? 1) - 1)", "period": "\(period)"])
        }
        return closed?.name
    }

    /// Bounds the open partition at the head and opens the next, when its newest row is of a later
    /// period than its first; returns the partition closed.
    private static func roll(_ db: PostgresConnection, period: PartitionPeriod, _ logger: Logger) async throws -> EventPartition? {
        try await beginPartitionChange(db, logger)
        guard let open = try await partitions(db, logger).last, open.upper == nil else {
            throw StoreCorruption(what: "the events table has no open partition")
        }
        var firstText: String?
        var newestText: String?
        for try await (a, b) in try await db.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT (SELECT received_at FROM \(open.name) ORDER BY seq LIMIT 1),
                           (SELECT received_at FROM \(open.name) ORDER BY seq DESC LIMIT 1)
                    """), logger: logger
        ).decode((String?, String?).self) {
            (firstText, newestText) = (a, b)
        }
        // The open partition's period is its first row's (by seq): rolls come in the first turn
        // after a boundary, so that row is of the new period, unless a gate's late backlog came first.
        guard let first = firstText.flatMap(Timestamp.parse), let newest = newestText.flatMap(Timestamp.parse),
            period.start(of: newest) > first,
            let head = try await Self.head(db, .events, logger)
        else { return nil }
        var bounded = open
        bounded.upper = head.seq + 1
        // The CHECK lets ATTACH trust the bounds without scanning the partition.
        let check = "\(open.name)_bounds"
        let statements = [
            "ALTER TABLE events DETACH PARTITION \(open.name)",
            "ALTER TABLE \(open.name) ADD CONSTRAINT \(check) CHECK (seq >= \(open.lower ?? .min) AND seq < \(head.seq + 1))",
            "ALTER TABLE events ATTACH PARTITION \(open.name) FOR VALUES \(bounded.bounds)",
            "ALTER TABLE \(open.name) DROP CONSTRAINT \(check)",
        ] + openPartition(from: head.seq + 1)
        for sql in statements { try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
        return bounded
    }
}

/// Events whose ids the store already holds, or that a batch repeats (ids are unique in a store).
public struct DuplicateEventIDs: Error, CustomStringConvertible {
    public var ids: [String]
    public var description: String { "event id(s) already stored or repeated in the batch: \(ids.joined(separator: ", "))" }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
    fileprivate func dropSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
#endif
