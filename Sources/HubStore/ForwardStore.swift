import Foundation
import GRDB
import HubModel

/// Store-and-forward: a gate hub reads its events in store order from a cursor and sends them to a
/// central hub, which keeps each event once (by id) and each raw record once (by SHA-256).
public protocol ForwardingStore: Sendable {
    /// Gate side: events stored after position `seq`, in store order, with their raw records.
    func storedEvents(after seq: Int64, limit: Int) async throws -> [StoredEvent]
    /// Gate side: how many events wait after `seq` (by store position), and when the oldest arrived.
    func forwardBacklog(after seq: Int64) async throws -> ForwardBacklog
    /// Central side: stores what of `batch` is absent, in one transaction, and says what it holds.
    /// Throws `ForwardGap` when the batch starts after what the central holds from that source.
    func acceptForwarded(_ batch: ForwardedBatch) async throws -> ForwardReceipt
    /// Central side: what an idle gate said of its uplink (`POST /api/v1/forwarded/status`).
    func recordForwardStatus(_ status: ForwardStatus) async throws
    /// Central side: every gate that forwards here, with its uplink's state and its figures at `now`.
    func nationalFigures(now: Date) async throws -> [GateFigures]
    /// Central side: each lane of `site` with its latest passage and last occupancy.
    func gateLanes(site: String) async throws -> [LaneSnapshot]
}

/// An event with its store position and the exact JSON it is kept as.
public struct StoredEvent: Sendable {
    public var seq: Int64
    public var body: String
    public var rawSHA256: String

    public init(seq: Int64, body: String, rawSHA256: String) {
        self.seq = seq
        self.body = body
        self.rawSHA256 = rawSHA256
    }
}

public struct ForwardBacklog: Sendable, Equatable {
    public var events: Int
    public var oldestReceivedAt: Date?

    public init(events: Int, oldestReceivedAt: Date?) {
        self.events = events
        self.oldestReceivedAt = oldestReceivedAt
    }
}

/// One batch as the central hub receives it (and as it travels, JSON): events of `source` (the
/// gate's site) at gate positions `first...last`, sent after the gate's cursor stood at `after`,
/// with the raw records they point at.
public struct ForwardedBatch: Sendable, Decodable {
    public var source: String
    public var after: Int64
    public var first: Int64
    public var last: Int64
    public var events: [InspectionEvent]
    public var raw: [ForwardedRawRecord]
    /// Events still waiting at the gate behind this batch (absent from gates older than the field).
    public var backlog: Int?
    /// When the oldest of them reached the gate (RFC 3339), if any wait.
    public var oldestWaitingAt: String?

    public init(
        source: String, after: Int64, first: Int64, last: Int64, events: [InspectionEvent], raw: [ForwardedRawRecord],
        backlog: Int? = nil, oldestWaitingAt: String? = nil
    ) {
        self.source = source
        self.after = after
        self.first = first
        self.last = last
        self.events = events
        self.raw = raw
        self.backlog = backlog
        self.oldestWaitingAt = oldestWaitingAt
    }

    /// The uplink's state the batch reports, or nil from a gate that does not report it.
    public func uplink(at: Date) -> ForwardStatus? {
        backlog.map {
            ForwardStatus(source: source, backlog: $0, oldestWaitingAt: oldestWaitingAt.flatMap(Timestamp.parse), reportedAt: at)
        }
    }
}

/// A gate's uplink as it last reported it: how many events wait to be forwarded, since when.
public struct ForwardStatus: Sendable, Equatable {
    public var source: String
    public var backlog: Int
    public var oldestWaitingAt: Date?
    /// When the central heard it.
    public var reportedAt: Date

    public init(source: String, backlog: Int, oldestWaitingAt: Date?, reportedAt: Date) {
        self.source = source
        self.backlog = backlog
        self.oldestWaitingAt = oldestWaitingAt
        self.reportedAt = reportedAt
    }
}

/// The central hub's answer: what it took from the batch, and how far it now holds the source.
public struct ForwardReceipt: Sendable, Codable, Equatable {
    public var source: String
    public var received: Int
    public var stored: Int
    /// Events of the batch the central already had (a resend after a lost answer).
    public var alreadyHad: Int
    public var rawStored: Int
    /// The gate position up to which the central holds every event of the source.
    public var through: Int64

    public init(source: String, received: Int, stored: Int, alreadyHad: Int, rawStored: Int, through: Int64) {
        self.source = source
        self.received = received
        self.stored = stored
        self.alreadyHad = alreadyHad
        self.rawStored = rawStored
        self.through = through
    }
}

/// The batch starts after a position the central does not hold: the gate must resend from `through`.
public struct ForwardGap: Error, CustomStringConvertible {
    public var through: Int64
    public var after: Int64

    public init(through: Int64, after: Int64) {
        self.through = through
        self.after = after
    }

    public var description: String { "gap: the central holds this source through \(through), the batch starts after \(after)" }
}

/// A raw record on the wire between hubs: its bytes in base64, times in RFC 3339.
public struct ForwardedRawRecord: Codable, Sendable {
    public var sha256: String
    public var format: String
    public var deviceId: String
    public var firstReceivedAt: String
    public var receivedAt: String
    public var frameCount: Int
    public var bytes: String

    public init(_ r: RawRecord) {
        sha256 = r.sha256
        format = r.format
        deviceId = r.deviceID
        firstReceivedAt = Timestamp.format(r.firstReceivedAt)
        receivedAt = Timestamp.format(r.receivedAt)
        frameCount = r.frameCount
        bytes = Data(r.bytes).base64EncodedString()
    }

    /// The record, or nil when its bytes are not base64 or its times not RFC 3339.
    public var record: RawRecord? {
        guard let data = Data(base64Encoded: bytes), let first = Timestamp.parse(firstReceivedAt),
            let last = Timestamp.parse(receivedAt)
        else { return nil }
        return RawRecord(
            sha256: sha256, format: format, deviceID: deviceId, firstReceivedAt: first, receivedAt: last,
            frameCount: frameCount, bytes: [UInt8](data))
    }
}

extension SQLiteEventStore {
    static func registerForwardMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6-forward-sources") { db in
            // Per gate: the last gate position stored here, so a resend is recognised and a gap refused.
            try db.execute(
                sql: """
                    CREATE TABLE forward_sources (
                        source TEXT PRIMARY KEY, through INTEGER NOT NULL, batches INTEGER NOT NULL, at TEXT NOT NULL
                    ) WITHOUT ROWID
                    """)
        }
    }

    /// Registered last: a gate's uplink as it reports it (PostgreSQL's migration 11).
    static func registerForwardStatusMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v11-forward-source-status") { db in
            try db.execute(
                sql: """
                    ALTER TABLE forward_sources ADD COLUMN backlog INTEGER;
                    ALTER TABLE forward_sources ADD COLUMN oldest_waiting_at TEXT;
                    ALTER TABLE forward_sources ADD COLUMN reported_at TEXT;
                    """)
        }
    }

    public func recordForwardStatus(_ status: ForwardStatus) async throws {
        try await pool.write { db in
            // A gate that has not forwarded yet gets its row now, holding nothing (through 0).
            try db.execute(
                sql: """
                    INSERT INTO forward_sources (source, through, batches, at, backlog, oldest_waiting_at, reported_at)
                    VALUES (?, 0, 0, ?, ?, ?, ?)
                    ON CONFLICT(source) DO UPDATE SET backlog = excluded.backlog,
                        oldest_waiting_at = excluded.oldest_waiting_at, reported_at = excluded.reported_at
                    """,
                arguments: Self.statusArguments(status))
        }
    }

    private static func statusArguments(_ s: ForwardStatus) -> StatementArguments {
        let at = Timestamp.format(s.reportedAt)
        return [s.source, at, s.backlog, s.oldestWaitingAt.map(Timestamp.format), at]
    }

    public func storedEvents(after seq: Int64, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, body, raw_sha256 FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [seq, limit]
            ).map { StoredEvent(seq: $0["seq"], body: $0["body"], rawSHA256: $0["raw_sha256"]) }
        }
    }

    public func forwardBacklog(after seq: Int64) async throws -> ForwardBacklog {
        try await pool.read { db in
            // Positions, not a COUNT: O(1) however long the link was down. Committed positions have
            // no gaps (a rolled-back write takes its AUTOINCREMENT positions back with it).
            let top = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0
            let n = Int(max(0, top - seq))
            let oldest = try String.fetchOne(
                db, sql: "SELECT received_at FROM events WHERE seq > ? ORDER BY seq LIMIT 1", arguments: [seq])
            return ForwardBacklog(events: n, oldestReceivedAt: oldest.flatMap(Timestamp.parse))
        }
    }

    public func acceptForwarded(_ batch: ForwardedBatch) async throws -> ForwardReceipt {
        let now = Timestamp.format(Date())
        let bodies = try batch.events.map { try $0.jsonLine() }
        defer { checkpointer.committed(rows: batch.events.count + batch.raw.count) }
        return try await pool.write { db in
            let held = try Int64.fetchOne(
                db, sql: "SELECT through FROM forward_sources WHERE source = ?", arguments: [batch.source]) ?? 0
            guard batch.after <= held else { throw ForwardGap(through: held, after: batch.after) }
            var fresh = IngestBatch()
            var freshBodies: [String] = []
            for (e, body) in zip(batch.events, bodies) {
                guard try !Bool(exists: db, sql: "SELECT 1 FROM events WHERE id = ?", e.id) else { continue }
                fresh.events.append(e)
                freshBodies.append(body)
            }
            var shas = Set<String>()
            for r in batch.raw.compactMap(\.record) where shas.insert(r.sha256).inserted {
                if try Row.fetchOne(db, sql: ByHash.rawStored, arguments: HashKey.arguments(r.sha256)) == nil {
                    fresh.records.append(r)
                }
            }
            try Self.insert(fresh, bodies: freshBodies, now: now, db)
            let through = max(held, batch.last)
            try db.execute(
                sql: """
                    INSERT INTO forward_sources (source, through, batches, at) VALUES (?, ?, 1, ?)
                    ON CONFLICT(source) DO UPDATE SET through = excluded.through, batches = batches + 1, at = excluded.at
                    """,
                arguments: [batch.source, through, now])
            if let uplink = batch.uplink(at: Timestamp.parse(now) ?? Date()) {
                try db.execute(
                    sql: "UPDATE forward_sources SET backlog = ?, oldest_waiting_at = ?, reported_at = ? WHERE source = ?",
                    arguments: [uplink.backlog, uplink.oldestWaitingAt.map(Timestamp.format), now, batch.source])
            }
            return ForwardReceipt(
                source: batch.source, received: batch.events.count, stored: fresh.events.count,
                alreadyHad: batch.events.count - fresh.events.count, rawStored: fresh.records.count, through: through)
        }
    }
}

extension Bool {
    /// Whether `sql` finds a row.
    init(exists db: Database, sql: String, _ argument: String) throws {
        self = try Row.fetchOne(db, sql: sql, arguments: [argument]) != nil
    }
}
