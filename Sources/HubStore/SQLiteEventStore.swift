import Foundation
import GRDB
import HubModel

/// The embedded store: one SQLite file in WAL mode, written through GRDB.
///
/// `synchronous = FULL`: a batch whose `append` returned is on disk, even across a power cut.
/// Triggers refuse UPDATE and DELETE on both tables, so the archive stays append-only; only a
/// retention purge may delete, and only rows its policy has let age out (`SQLiteRetention`). Both
/// tables are hash-chained (`SQLiteHashChain`), which `verify()` checks.
public final class SQLiteEventStore: HubRecordStore {
    let pool: DatabasePool
    /// Copies the log into the file beside the writer (see `WALCheckpointer`).
    let checkpointer: WALCheckpointer
    public let path: String
    public var location: String { path }
    /// The writer connection's page cache, KiB.
    static let writerCacheKiB = 65_536

    /// Opens (creating if needed) the store at `path` and brings its schema up to date. Hubs starting
    /// at once on one file migrate one after the other; a file whose schema is newer than this
    /// build knows is refused (`NewerSchema`) rather than written with old assumptions.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        // Another process holding the write lock (a second hub, a backup) is waited for, not an error.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Checkpoints run in the background after commits; the writer's own is the backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.inlinePages)")
            // The writer's page cache holds what one group commit changes (hundreds of batches touch a
            // leaf page each in every random-key index, several MB). With SQLite's 2 MB default it
            // spilled pages into the log mid-transaction and read index pages back from the file on
            // inserts: with 10,000 seals reporting, 47.5 KB read per message, 16.2 KB with this cache
            // (perf showed the reads under the inserts and the commit). Readers keep the default.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)") }
        }
        let pool = try DatabasePool(path: path, configuration: config)
        // Only now: GRDB sets its writer to `synchronous = NORMAL` when it turns WAL on, after
        // `prepareDatabase` ran. In WAL mode NORMAL syncs the log at checkpoints only, so a commit a
        // device had its ack for could be lost to a power cut or a kernel crash (a killed process
        // loses nothing either way). The writer is the one connection that commits.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.pool = pool
        checkpointer = WALCheckpointer(path: path) { [weak pool] in
            // Between two commits, so only what was appended since the background copy is left.
            try? pool?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        }
        try SchemaLock.holding(path + ".migrating") {
            let migrator = Self.migrator
            let applied = try pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.subtracting(migrator.migrations)
            if !unknown.isEmpty {
                throw NewerSchema(store: path, found: unknown.sorted().joined(separator: ", "), known: migrator.migrations.last ?? "")
            }
            try migrator.migrate(pool)
        }
    }

    /// Nothing to release: the pool closes its connections when the store is freed.
    public func close() async {}

    deinit { checkpointer.stop() }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-events-and-raw-archive") { db in
            try db.execute(
                sql: """
                    CREATE TABLE raw_records (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        sha256 TEXT NOT NULL,
                        format TEXT NOT NULL,
                        device_id TEXT NOT NULL,
                        first_received_at TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        frame_count INTEGER NOT NULL,
                        bytes BLOB NOT NULL
                    );
                    CREATE INDEX raw_records_sha256 ON raw_records(sha256);
                    CREATE INDEX raw_records_device ON raw_records(device_id, seq);
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        device_id TEXT NOT NULL,
                        site TEXT,
                        lane TEXT,
                        severity TEXT NOT NULL,
                        observed_at TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        raw_sha256 TEXT NOT NULL,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX events_kind ON events(kind, seq);
                    CREATE INDEX events_device ON events(device_id, seq);
                    CREATE INDEX events_site ON events(site, seq);
                    CREATE INDEX events_observed ON events(observed_at);
                    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                    CREATE TRIGGER raw_append_only_update BEFORE UPDATE ON raw_records
                        BEGIN SELECT RAISE(ABORT, 'the raw archive is append-only'); END;
                    CREATE TRIGGER raw_append_only_delete BEFORE DELETE ON raw_records
                        BEGIN SELECT RAISE(ABORT, 'the raw archive is append-only'); END;
                    """)
        }
        registerDeclarationMigrations(&m)
        registerFeedMigrations(&m)
        m.registerMigration("v2-ingested-files") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ingested_files (
                        device_id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        sha256 TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        outcome TEXT NOT NULL,
                        reason TEXT,
                        at TEXT NOT NULL,
                        PRIMARY KEY (device_id, name, sha256)
                    ) WITHOUT ROWID;
                    """)
        }
        registerAuthMigrations(&m)
        registerAnalystMigrations(&m)
        registerForwardMigrations(&m)
        registerChainMigrations(&m)
        registerRetentionMigrations(&m)
        registerAlarmMigrations(&m)
        registerHashPrefixMigrations(&m)
        registerForwardStatusMigrations(&m)
        registerNotificationMigrations(&m)
        registerReceivedPackageMigration(&m)
        registerRawLinkMigrations(&m)
        registerSeqPartitionMigrations(&m)
        return m
    }

    public func append(_ batch: IngestBatch) async throws {
        guard !batch.isEmpty else { return }
        let bodies = try batch.events.map { try $0.jsonLine() }
        let now = Timestamp.format(Date())
        try await pool.write { db in try Self.insert(batch, bodies: bodies, now: now, db) }
        checkpointer.committed(rows: batch.events.count + batch.records.count)
    }

    /// The rows of one batch, inside the caller's transaction: ingest and forwarded batches
    /// (`acceptForwarded`) are written by this same code.
    static func insert(_ batch: IngestBatch, bodies: [String], now: String, _ db: Database) throws {
        for f in batch.files {
            try db.execute(
                sql: """
                    INSERT INTO ingested_files (device_id, name, sha256, size, outcome, reason, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [f.deviceID, f.name, f.sha256, f.size, f.outcome, f.reason, now])
        }
        let rawSeqs = try insertChained(db, records: batch.records)
        try insertChained(db, events: zip(batch.events, bodies).map { (event: $0, body: $1) }, rawSeqs: rawSeqs)
    }

    public func events(_ query: EventQuery) async throws -> EventPage {
        let statement = try query.statement(.sqlite)
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map { row -> (seq: Int64, body: String) in
                (row["seq"], row["body"])
            }
        }
        return try EventPage(rows: rows, for: query)
    }

    public func event(id: String) async throws -> InspectionEvent? {
        let body = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM events WHERE id = ?", arguments: [id])
        }
        return try body.map { try JSONDecoder().decode(InspectionEvent.self, from: Data($0.utf8)) }
    }

    public func events(ids: [String]) async throws -> [InspectionEvent] {
        try await events(ids: ids, excludingKinds: [])
    }

    /// Events of the excluded kinds are skipped by the query, never read or decoded.
    public func events(ids: [String], excludingKinds: Set<String>) async throws -> [InspectionEvent] {
        let wanted = Set(ids).sorted()
        let excluded = excludingKinds.sorted()
        let notKinds = excluded.isEmpty
            ? "" : " AND kind NOT IN (\(Array(repeating: "?", count: excluded.count).joined(separator: ",")))"
        var bodies: [String] = []
        for start in stride(from: 0, to: wanted.count, by: 500) {
            let chunk = Array(wanted[start..<min(start + 500, wanted.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            bodies += try await pool.read { db in
                try String.fetchAll(
                    db, sql: "SELECT body FROM events WHERE id IN (\(marks))\(notKinds) ORDER BY id",
                    arguments: StatementArguments(chunk + excluded))
            }
        }
        let decoder = JSONDecoder()
        return try bodies.map { try decoder.decode(InspectionEvent.self, from: Data($0.utf8)) }
    }

    public func rawRecords(sha256: String) async throws -> [RawRecord] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: ByHash.rawRecords, arguments: HashKey.arguments(sha256))
            return rows.map { row in
                let bytes: Data = row["bytes"]
                return RawRecord(
                    sha256: row["sha256"], format: row["format"], deviceID: row["device_id"],
                    firstReceivedAt: Timestamp.parse(row["first_received_at"]) ?? .distantPast,
                    receivedAt: Timestamp.parse(row["received_at"]) ?? .distantPast,
                    frameCount: row["frame_count"], bytes: [UInt8](bytes))
            }
        }
    }

    public func ingestedFile(deviceID: String, name: String, sha256: String) async throws -> IngestedFile? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM ingested_files WHERE device_id = ? AND name = ? AND sha256 = ?",
                arguments: [deviceID, name, sha256]
            ).map { row in
                IngestedFile(
                    deviceID: row["device_id"], name: row["name"], sha256: row["sha256"], size: row["size"],
                    outcome: row["outcome"], reason: row["reason"])
            }
        }
    }

    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            StoreCounts(
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0,
                rawRecords: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM raw_records") ?? 0,
                rawBytes: try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM raw_records") ?? 0)
        }
    }
}

/// A page cursor that this store did not hand out.
public struct InvalidCursor: Error, CustomStringConvertible {
    public var cursor: String
    public init(cursor: String) { self.cursor = cursor }
    public var description: String { "invalid cursor '\(cursor)'" }
}
