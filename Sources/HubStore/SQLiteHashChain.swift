import Foundation
import GRDB
import HubModel

/// A table of the store whose rows are hash-chained.
public enum ChainedTable: String, Sendable, CaseIterable {
    case raw = "raw_records"
    case events = "events"

    /// How a report names one row.
    public var rowName: String { self == .raw ? "raw record" : "event" }
}

/// The hash chain over `raw_records` and `events` (see `ChainHash`): each row's `chain` column is
/// computed in the transaction that appends it, from the head kept in `chain_heads`, so concurrent
/// writers (serialized by SQLite) can never fork it.
extension SQLiteEventStore {
    static func registerChainMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6-hash-chain") { db in
            try db.execute(
                sql: """
                    ALTER TABLE raw_records ADD COLUMN chain BLOB;
                    ALTER TABLE events ADD COLUMN body_sha256 BLOB;
                    ALTER TABLE events ADD COLUMN chain BLOB;
                    CREATE TABLE chain_heads (tbl TEXT PRIMARY KEY, seq INTEGER NOT NULL, chain BLOB NOT NULL) WITHOUT ROWID;
                    -- What was removed from a chained table, and the chain value the next row follows.
                    CREATE TABLE purges (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        tbl TEXT NOT NULL,
                        kind TEXT,
                        before TEXT,
                        rows INTEGER NOT NULL,
                        first_seq INTEGER NOT NULL,
                        last_seq INTEGER NOT NULL,
                        reason TEXT NOT NULL
                    );
                    CREATE TABLE purged_ranges (
                        tbl TEXT NOT NULL,
                        first_seq INTEGER NOT NULL,
                        last_seq INTEGER NOT NULL,
                        last_chain BLOB NOT NULL,
                        purge_id INTEGER NOT NULL,
                        PRIMARY KEY (tbl, first_seq)
                    ) WITHOUT ROWID;
                    DROP TRIGGER raw_append_only_update;
                    DROP TRIGGER events_append_only_update;
                    """)
            for table in ["purges", "purged_ranges"] {
                for op in ["UPDATE", "DELETE"] {
                    try db.execute(sql: Self.refusal(table, op, name: "\(table)_append_only_\(op.lowercased())", "the purge ledger is append-only"))
                }
            }
            // Rows stored before the chain existed are chained once, here, in seq order.
            for table in ChainedTable.allCases { try Self.chainExistingRows(db, table) }
            try db.execute(sql: Self.refusal("raw_records", "UPDATE", name: "raw_append_only_update", "the raw archive is append-only"))
            try db.execute(sql: Self.refusal("events", "UPDATE", name: "events_append_only_update", "events are append-only"))
        }
    }

    /// A trigger that refuses every `op` (UPDATE or DELETE) on `table` with `message`.
    static func refusal(_ table: String, _ op: String, name: String, _ message: String) -> String {
        "CREATE TRIGGER \(name) BEFORE \(op) ON \(table) BEGIN SELECT RAISE(ABORT, '\(message)'); END"
    }

    static let rawLinkColumns = "seq, sha256, format, device_id, first_received_at, received_at, frame_count"
    static let eventLinkColumns = "seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256"

    static func rawLink(_ row: Row) -> RawRecordLink {
        RawRecordLink(
            seq: row["seq"], sha256: row["sha256"], format: row["format"], deviceID: row["device_id"],
            firstReceivedAt: row["first_received_at"], receivedAt: row["received_at"], frameCount: row["frame_count"])
    }

    static func eventLink(_ row: Row, bodySHA256: [UInt8]) -> EventLink {
        EventLink(
            seq: row["seq"], id: row["id"], kind: row["kind"], deviceID: row["device_id"], site: row["site"],
            lane: row["lane"], severity: row["severity"], observedAt: row["observed_at"], receivedAt: row["received_at"],
            rawSHA256: row["raw_sha256"], bodySHA256: bodySHA256)
    }

    private static func chainExistingRows(_ db: Database, _ table: ChainedTable) throws {
        var previous = ChainHash.genesis
        var expected: Int64 = 1
        let columns = table == .raw ? rawLinkColumns : eventLinkColumns + ", body"
        while true {
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM \(table.rawValue) WHERE seq >= ? ORDER BY seq LIMIT 5000",
                arguments: [expected])
            guard !rows.isEmpty else { break }
            for row in rows {
                let seq: Int64 = row["seq"]
                if seq != expected {
                    try recordPurge(
                        db, table: table, kind: nil, before: nil, ranges: [PurgedRange(first: expected, last: seq - 1, lastChain: previous)],
                        reason: "seqs missing when the hash chain was created", at: Date())
                }
                if table == .raw {
                    previous = ChainHash.next(after: previous, rawLink(row).canonical)
                    try db.execute(sql: "UPDATE raw_records SET chain = ? WHERE seq = ?", arguments: [Data(previous.bytes), seq])
                } else {
                    let body = ChainHash.sha256(Array((row["body"] as String).utf8))
                    previous = ChainHash.next(after: previous, eventLink(row, bodySHA256: body).canonical)
                    try db.execute(
                        sql: "UPDATE events SET body_sha256 = ?, chain = ? WHERE seq = ?",
                        arguments: [Data(body), Data(previous.bytes), seq])
                }
                expected = seq + 1
            }
        }
        try db.execute(
            sql: "INSERT INTO chain_heads (tbl, seq, chain) VALUES (?, ?, ?)",
            arguments: [table.rawValue, expected - 1, Data(previous.bytes)])
    }

    /// The last row's seq and chain value (seq 0 and genesis for an empty table).
    ///
    /// Read and written through cached statements: every commit reads and moves both heads, and in
    /// a commit of one alarm, preparing those four statements anew was about 45 % of the writer's
    /// CPU, on the alarm's way to the screens (`perf` of the alarm benchmark, 2026-12-07).
    static func head(_ db: Database, _ table: ChainedTable) throws -> (seq: Int64, chain: ChainHash)? {
        let read = try db.cachedStatement(sql: "SELECT seq, chain FROM chain_heads WHERE tbl = ?")
        guard let row = try Row.fetchOne(read, arguments: [table.rawValue]),
            let chain = ChainHash([UInt8](row["chain"] as Data))
        else { return nil }
        return (row["seq"], chain)
    }

    private static func setHead(_ db: Database, _ table: ChainedTable, _ head: (seq: Int64, chain: ChainHash)) throws {
        try db.cachedStatement(sql: "UPDATE chain_heads SET seq = ?, chain = ? WHERE tbl = ?")
            .execute(arguments: [head.seq, Data(head.chain.bytes), table.rawValue])
    }

    /// Appends raw records, each linked to the one before; inside the caller's write transaction.
    /// Returns the seq each hash was stored under (the last copy's, for a hash stored twice).
    static func insertChained(_ db: Database, records: [RawRecord]) throws -> [String: Int64] {
        guard !records.isEmpty else { return [:] }
        guard var head = try Self.head(db, .raw) else { throw StoreCorruption(what: "the raw archive has no chain head") }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO raw_records (seq, sha256, format, device_id, first_received_at, received_at, frame_count, bytes, chain)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var seqs: [String: Int64] = [:]
        for r in records {
            let link = RawRecordLink(seq: head.seq + 1, record: r)
            head = (link.seq, ChainHash.next(after: head.chain, link.canonical))
            var row = SQLiteRowInsert(insert)
            row.bind(link.seq)
            row.bind(link.sha256)
            row.bind(link.format)
            row.bind(link.deviceID)
            row.bind(link.firstReceivedAt)
            row.bind(link.receivedAt)
            row.bind(Int64(r.frameCount))
            row.bind(blob: r.bytes)
            row.bind(blob: head.chain.bytes)
            try row.run(db)
            seqs[r.sha256] = link.seq
        }
        try setHead(db, .raw, head)
        return seqs
    }

    /// Appends events (with their JSON bodies), each linked to the one before and pointing at its
    /// raw record's seq: one of `rawSeqs` (the records stored in the same transaction), else the
    /// last stored copy of its hash, else none (`RawLinks`).
    static func insertChained(
        _ db: Database, events: [(event: InspectionEvent, body: String)], rawSeqs: [String: Int64]
    ) throws {
        guard !events.isEmpty else { return }
        guard var head = try Self.head(db, .events) else { throw StoreCorruption(what: "the events table has no chain head") }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO events (seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body, body_sha256, chain, raw_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let insertKey = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO event_keys (part, kind, value, event_id, confidence, evidence) VALUES (?, ?, ?, ?, ?, ?)")
        for (e, body) in events {
            let link = EventLink(seq: head.seq + 1, event: e, body: body)
            let bodyHash = link.bodySHA256
            head = (link.seq, ChainHash.next(after: head.chain, link.canonical))
            let rawSeq = try rawSeqs[e.raw.sha256] ?? storedRawSeq(db, e.raw.sha256)
            var row = SQLiteRowInsert(insert)
            row.bind(link.seq)
            row.bind(e.id)
            row.bind(e.kind)
            row.bind(e.device.id)
            row.bind(e.site)
            row.bind(e.lane)
            row.bind(link.severity)
            row.bind(link.observedAt)
            row.bind(link.receivedAt)
            row.bind(e.raw.sha256)
            row.bind(body)
            row.bind(blob: bodyHash)
            row.bind(blob: head.chain.bytes)
            row.bind(rawSeq)
            try row.run(db)
            for k in Set(e.linkKeys) {
                var key = SQLiteRowInsert(insertKey)
                key.bind(SeqPartition.of(link.seq))
                key.bind(k.kind)
                key.bind(k.value)
                key.bind(e.id)
                key.bind(k.confidence)
                key.bind(k.evidence)
                try key.run(db)
            }
        }
        try setHead(db, .events, head)
    }

    /// Writes a purge to the ledger: one `purges` row and its ranges. Returns the purge's id.
    @discardableResult
    static func recordPurge(
        _ db: Database, table: ChainedTable, kind: String?, before: String?, ranges: [PurgedRange], reason: String, at: Date
    ) throws -> Int64 {
        let rows = ranges.reduce(Int64(0)) { $0 + $1.last - $1.first + 1 }
        try db.execute(
            sql: "INSERT INTO purges (at, tbl, kind, before, rows, first_seq, last_seq, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                Timestamp.format(at), table.rawValue, kind, before, rows, ranges.first?.first ?? 0, ranges.last?.last ?? 0, reason,
            ])
        let id = db.lastInsertedRowID
        let insert = try db.cachedStatement(
            sql: "INSERT INTO purged_ranges (tbl, first_seq, last_seq, last_chain, purge_id) VALUES (?, ?, ?, ?, ?)")
        for r in ranges { try insert.execute(arguments: [table.rawValue, r.first, r.last, Data(r.lastChain.bytes), id]) }
        return id
    }
}
