#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// The store on PostgreSQL, for several hubs (one per site) writing to one database and analysts
/// querying across sites. The schema follows the SQLite store's table for table (`PostgresSchema`);
/// triggers refuse UPDATE, DELETE and TRUNCATE on what is append-only.
///
/// Appends take one transaction-scoped advisory lock, so sequence numbers become visible in
/// order: a reader paging by `seq` (the feed, store-and-forward) never skips a row that a slower
/// hub commits later with a smaller number.
public final class PostgresEventStore: HubRecordStore {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    public let location: String
    /// This replica's name in the notices it sends (`PostgresNotify`), so the others can tell its
    /// own from theirs.
    public let replica: String

    /// The advisory lock key appends hold for the length of their transaction.
    static let appendLock: Int64 = 0x6E69_6968_7562_0001

    /// Connects (a pool of up to `maxConnections`) and brings the schema up to date, one hub at a time.
    /// Fails within `connectTimeout` when the server cannot be reached. `replica` names this hub
    /// among those sharing the database (`PostgresNotify.defaultReplica()` unless told).
    public static func open(
        _ at: PostgresLocation, logger: Logger, maxConnections: Int = 8, connectTimeout: Duration = .seconds(30),
        replica: String? = nil
    ) async throws -> PostgresEventStore {
        let store = PostgresEventStore(
            at, logger: logger, maxConnections: maxConnections, replica: replica ?? PostgresNotify.defaultReplica())
        do {
            try await Deadline.within(connectTimeout, what: "connecting to \(at.redacted)") {
                try await PostgresSchema.migrate(store.client, store: at.redacted, logger: logger)
            }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    private init(_ at: PostgresLocation, logger: Logger, maxConnections: Int, replica: String) {
        var config = Self.configuration(at)
        config.options.maximumConnections = maxConnections
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        location = at.redacted
        self.replica = PostgresNotify.bounded(replica)
        runner = Task { await client.run() }
    }

    /// How postgres-nio reaches `at`: its Unix socket, or TCP with the URL's TLS policy.
    static func configuration(_ at: PostgresLocation) -> PostgresClient.Configuration {
        var config: PostgresClient.Configuration
        if let socket = at.socketPath {
            config = .init(unixSocketPath: socket, username: at.user, password: at.password, database: at.database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch at.tlsPolicy {
                case .none: .disable
                case .preferred(let check): .prefer(tlsConfiguration(check))
                case .required(let check): .require(tlsConfiguration(check))
                }
            config = .init(
                host: at.host ?? "localhost", port: at.port, username: at.user, password: at.password,
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
        runner.cancel()
        await runner.value
    }

    public func append(_ batch: IngestBatch) async throws {
        guard !batch.isEmpty else { return }
        let bodies = try batch.events.map { try $0.jsonLine() }
        let now = Timestamp.format(Date())
        try await client.withTransaction(logger: logger) { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.appendLock))", logger: logger)
            try await Self.insert(db, batch, bodies: bodies, now: now, logger)
            try await PostgresNotify.appended(db, batch.events, by: self.replica, logger)
        }
    }

    /// Inserts a batch's files, raw records, events and their link keys; inside the caller's
    /// transaction, which holds `appendLock`.
    static func insert(
        _ db: PostgresConnection, _ batch: IngestBatch, bodies: [String], now: String, _ logger: Logger
    ) async throws {
        let files = batch.files
        try await Self.insert(db, "ingested_files (device_id, name, sha256, size, outcome, reason, at)", files.count, logger) {
            let f = files[$1]
            return [$0.bind(f.deviceID), $0.bind(f.name), $0.bind(f.sha256), $0.bind(f.size), $0.bind(f.outcome),
                    $0.bind(f.reason), $0.bind(now)]
        }
        try await insertChained(db, records: batch.records, logger)
        let events = batch.events
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
