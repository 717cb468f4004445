#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The store on PostgreSQL, for several hubs (one per site) writing to one database and analysts
/// querying across sites. The schema follows the SQLite store's table for table (`PostgresSchema`);
/// triggers refuse UPDATE, DELETE and TRUNCATE on what is append-only.
///
/// Appends take one transaction-scoped advisory lock, so sequence numbers become visible in
/// order: a reader paging by `seq` (the feed, store-and-forward) never skips a row that a slower
/// hub commits later with a smaller number.
public final class PostgresEventStore: HubRecordStore {
    /// The pool in use: its client, the task running it, and which endpoint it reaches. Replaced
    /// whole when the primary moves (`relocate`).
    struct Pool {
        var client: PostgresClient
        var runner: Task<Void, Never>
        /// Raised when the store stops using this pool (it moved, or closed): queries on it fail then.
        var retirement = PoolRetirement()
        var endpoint: Int
        var generation: Int
    }

    let at: PostgresLocation
    let logger: Logger
    let maxConnections: Int
    let pool: Mutex<Pool>
    /// The one relocation under way, which every failing writer waits for instead of starting its own.
    let relocation = Mutex<Task<Void, Never>?>(nil)
    /// How long a relocation keeps asking the endpoints before it gives up (until the next failure).
    let failoverWindow: Duration
    /// How long one write may take before it is given up as lost with its server (and retried).
    let writeLimit: Duration = .seconds(20)
    let watchdog = Mutex<Task<Void, Never>?>(nil)
    public let location: String
    /// This replica's name in the notices it sends (`PostgresNotify`), so the others can tell its
    /// own from theirs.
    public let replica: String

    /// The advisory lock key appends hold for the length of their transaction.
    static let appendLock: Int64 = 0x6E69_6968_7562_0001

    /// The pool every query goes through; after a failover, the new primary's.
    var client: GuardedClient { pool.withLock { GuardedClient(raw: $0.client, retirement: $0.retirement) } }

    /// Connects (a pool of up to `maxConnections`) and brings the schema up to date, one hub at a time.
    /// Fails within `connectTimeout` when no server can be reached. With several endpoints (a primary
    /// and standbys) it settles on the one `target_session_attrs` asks for, watches it, and moves to
    /// the promoted standby when the primary fails. `replica` names this hub among those sharing the
    /// database (`PostgresNotify.defaultReplica()` unless told).
    /// The longest a schema migration may take when a store opens.
    static let migrationLimit: Duration = .seconds(600)

    public static func open(
        _ at: PostgresLocation, logger: Logger, maxConnections: Int = 8, connectTimeout: Duration = .seconds(30),
        failoverWindow: Duration = .seconds(60), replica: String? = nil
    ) async throws -> PostgresEventStore {
        let endpoint = try await Deadline.within(connectTimeout, what: "finding a server at \(at.redacted)") {
            try await Self.settle(at, until: .now + connectTimeout, logger: logger)
        }
        let store = PostgresEventStore(
            at, endpoint: endpoint, logger: logger, maxConnections: maxConnections, failoverWindow: failoverWindow,
            replica: replica ?? PostgresNotify.defaultReplica())
        do {
            // The server must answer within `connectTimeout`; migrating may take longer (partitioning
            // a large store's events; many stores opening at once on a busy server), which is progress
            // rather than silence, so it has a bound of its own.
            try await Deadline.within(connectTimeout, what: "connecting to \(at.redacted)") {
                _ = try await store.client.query("SELECT 1", logger: logger).collect()
            }
            try await Deadline.within(migrationLimit, what: "migrating the schema at \(at.redacted)") {
                try await PostgresSchema.migrate(store.client.raw, store: at.redacted, logger: logger)
            }
        } catch {
            await store.close()
            throw error
        }
        store.startWatchdog()
        return store
    }

    /// The endpoint to use: the only one, or the first that suits `target_session_attrs`, asking
    /// again every 250 ms until `deadline` (a standby may be being promoted right now).
    static func settle(_ at: PostgresLocation, until deadline: ContinuousClock.Instant, logger: Logger) async throws -> Int {
        guard at.endpoints.count > 1 || at.targetSessionAttrs != .any else { return 0 }
        while true {
            do {
                return try await PrimaryLocator.locate(at, logger: logger)
            } catch {
                guard ContinuousClock.now + .milliseconds(250) < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    private init(
        _ at: PostgresLocation, endpoint: Int, logger: Logger, maxConnections: Int, failoverWindow: Duration, replica: String
    ) {
        self.replica = PostgresNotify.bounded(replica)
        self.at = at
        self.logger = logger
        self.maxConnections = maxConnections
        self.failoverWindow = failoverWindow
        location = at.redacted
        pool = Mutex(Self.makePool(at, endpoint: endpoint, generation: 0, maxConnections: maxConnections, logger: logger))
    }

    static func makePool(_ at: PostgresLocation, endpoint: Int, generation: Int, maxConnections: Int, logger: Logger) -> Pool {
        var config = Self.configuration(at, endpoint: endpoint)
        config.options.maximumConnections = maxConnections
        // A dead host should fail a connection attempt quickly, so a write learns of a failover
        // in seconds rather than the default ten.
        config.options.connectTimeout = .seconds(3)
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        // Detached: `PostgresClient.run()` shuts the pool down at the graceful shutdown of the
        // service group it finds in its task's locals, and a plain `Task` inherits the locals of
        // whoever made the pool. After a failover that is the task whose write found the primary
        // gone: an HTTP request, a lease renewal. The hub's shutdown stops the HTTP server first, so
        // the pool went with it while the stages and the feed still needed it, and the hub hung in
        // its shutdown. The pool is the store's, and stops only when the store closes or moves.
        return Pool(client: client, runner: Task.detached { await client.run() }, endpoint: endpoint, generation: generation)
    }

    /// How postgres-nio reaches endpoint `index` of `at`: its Unix socket, or TCP with the URL's TLS policy.
    static func configuration(_ at: PostgresLocation, endpoint index: Int = 0) -> PostgresClient.Configuration {
        let endpoint = at.endpoints[index]
        var config: PostgresClient.Configuration
        if let socket = endpoint.socketPath {
            config = .init(unixSocketPath: socket, username: at.user, password: at.password, database: at.database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch at.tlsPolicy(for: endpoint) {
                case .none: .disable
                case .preferred(let check): .prefer(tlsConfiguration(check))
                case .required(let check): .require(tlsConfiguration(check))
                }
            config = .init(
                host: endpoint.host ?? "localhost", port: endpoint.port, username: at.user, password: at.password,
                database: at.database, tls: tls)
        }
        config.options.additionalStartupParameters = [("application_name", "niihub")]
        return config
    }

    /// NIOSSL's client settings for a certificate check (TLS 1.2 at least).
    static func tlsConfiguration(_ check: PostgresLocation.CertificateCheck) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        switch check {
        case .none:
            tls.certificateVerification = .none
        case .chain(let roots):
            tls.certificateVerification = .noHostnameVerification
            if let roots { tls.trustRoots = .file(roots) }
        case .chainAndHost(let roots):
            tls.certificateVerification = .fullVerification
            if let roots { tls.trustRoots = .file(roots) }
        }
        return tls
    }

    public func close() async {
        watchdog.withLock { $0 }?.cancel()
        relocation.withLock { $0 }?.cancel()
        let (runner, retirement) = pool.withLock { ($0.runner, $0.retirement) }
        retirement.retire()
        runner.cancel()
        await runner.value
    }

    public func append(_ batch: IngestBatch) async throws {
        guard !batch.isEmpty else { return }
        let bodies = try batch.events.map { try $0.jsonLine() }
        let now = Timestamp.format(Date())
        do {
            try await appendOnce(batch, bodies: bodies, now: now)
        } catch let e as PostgresTransactionError {
            // A lease lost is the stage's to hear (it stops), not a database failure to retry.
            if let fenced = e.closureError as? Fenced { throw fenced }
            throw e
        }
    }

    private func appendOnce(_ batch: IngestBatch, bodies: [String], now: String) async throws {
        try await writing { client in
            try await client.withTransaction(logger: self.logger) { db in
                try await db.query("SELECT pg_advisory_xact_lock(\(Self.appendLock))", logger: self.logger)
                try await Self.checkFences(db, batch.fences, self.logger)
                var stored = batch
                if batch.retried {
                    let (fresh, freshBodies) = try await Self.unstored(db, batch, bodies: bodies, self.logger)
                    try await Self.insert(db, fresh, bodies: freshBodies, now: now, self.logger)
                    stored = fresh
                } else {
                    try await Self.insert(db, batch, bodies: bodies, now: now, self.logger)
                }
                try await PostgresNotify.appended(db, stored.events, by: self.replica, self.logger)
            }
        }
    }

    /// Inserts a batch's files, raw records, events and their link keys; inside the caller's
    /// transaction, which holds `appendLock`.
    static func insert(
        _ db: PostgresConnection, _ batch: IngestBatch, bodies: [String], now: String, _ logger: Logger
    ) async throws {
        let files = batch.files
        // A retried batch may have stored its files already; the file's row is the same either way.
        try await Self.insert(
            db, "ingested_files (device_id, name, sha256, size, outcome, reason, at)", files.count, logger,
            then: " ON CONFLICT DO NOTHING"
        ) {
            let f = files[$1]
            return [$0.bind(f.deviceID), $0.bind(f.name), $0.bind(f.sha256), $0.bind(f.size), $0.bind(f.outcome),
                    $0.bind(f.reason), $0.bind(now)]
        }
        try await insertChained(db, records: batch.records, logger)
        let events = batch.events
        try await refuseStoredIDs(db, events, logger)
        try await insertChained(db, events: events, bodies: bodies, logger)
        let keys = events.flatMap { e in Set(e.linkKeys).map { (e.id, $0) } }
        try await Self.insert(
            db, "event_keys (kind, value, event_id, confidence, evidence)", keys.count, logger,
            then: " ON CONFLICT DO NOTHING"
        ) {
            let (id, k) = keys[$1]
            return [$0.bind(k.kind), $0.bind(k.value), $0.bind(id), $0.bind(k.confidence), $0.bind(k.evidence)]
        }
    }

    /// Inserts `count` rows into `table (columns)`, many per statement; `row` binds row i's values.
    static func insert(
        _ db: PostgresConnection, _ table: String, _ count: Int, _ logger: Logger, then suffix: String = "",
        row: (inout PostgresStatement, Int) -> [String]
    ) async throws {
        for chunk in chunks(count) {
            var s = PostgresStatement()
            var values: [String] = []
            for i in chunk { values.append("(" + row(&s, i).joined(separator: ", ") + ")") }
            s.sql = "INSERT INTO \(table) VALUES " + values.joined(separator: ", ") + suffix
            try await db.query(s.query, logger: logger)
        }
    }

    /// Rows per INSERT: well under PostgreSQL's 65,535 bindings for the widest table (13 columns).
    static func chunks(_ count: Int, size: Int = 1000) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    public func events(_ query: EventQuery) async throws -> EventPage {
        let statement = try query.statement(.postgres)
        var rows: [(seq: Int64, body: String)] = []
        for try await row in try await client.query(statement.postgresQuery, logger: logger).decode((Int64, String).self) {
            rows.append(row)
        }
        return try EventPage(rows: rows, for: query)
    }

    public func event(id: String) async throws -> InspectionEvent? {
        try await firstEvent("SELECT body FROM events WHERE id = \(id)")
    }

    /// The first row's `body` as an event.
    func firstEvent(_ query: PostgresQuery) async throws -> InspectionEvent? {
        for try await body in try await client.query(query, logger: logger).decode(String.self) {
            return try JSONDecoder().decode(InspectionEvent.self, from: Data(body.utf8))
        }
        return nil
    }

    public func rawRecords(sha256: String) async throws -> [RawRecord] {
        let rows = try await client.query(
            """
            SELECT sha256, format, device_id, first_received_at, received_at, frame_count, bytes
            FROM raw_records WHERE sha256 = \(sha256) ORDER BY seq
            """, logger: logger)
        var out: [RawRecord] = []
        for try await (sha, format, device, first, received, frames, bytes) in rows.decode(
            (String, String, String, String, String, Int, ByteBuffer).self)
        {
            out.append(
                RawRecord(
                    sha256: sha, format: format, deviceID: device, firstReceivedAt: Timestamp.parse(first) ?? .distantPast,
                    receivedAt: Timestamp.parse(received) ?? .distantPast, frameCount: frames,
                    bytes: Array(bytes.readableBytesView)))
        }
        return out
    }

    public func ingestedFile(deviceID: String, name: String, sha256: String) async throws -> IngestedFile? {
        let rows = try await client.query(
            """
            SELECT size, outcome, reason FROM ingested_files
            WHERE device_id = \(deviceID) AND name = \(name) AND sha256 = \(sha256)
            """, logger: logger)
        for try await (size, outcome, reason) in rows.decode((Int, String, String?).self) {
            return IngestedFile(deviceID: deviceID, name: name, sha256: sha256, size: size, outcome: outcome, reason: reason)
        }
        return nil
    }

    public func counts() async throws -> StoreCounts {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM raw_records),
                   (SELECT COALESCE(SUM(octet_length(bytes)), 0)::bigint FROM raw_records)
            """, logger: logger)
        for try await (events, raw, bytes) in rows.decode((Int, Int, Int).self) {
            return StoreCounts(events: events, rawRecords: raw, rawBytes: bytes)
        }
        return StoreCounts(events: 0, rawRecords: 0, rawBytes: 0)
    }

    /// Runs one statement as it is, for tests and tools that check what the schema allows.
    public func execute(unsafeSQL sql: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }
}
#endif
