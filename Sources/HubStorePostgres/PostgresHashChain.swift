#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// The hash chain over `raw_records` and `events` on PostgreSQL, as on SQLite (`ChainHash`): each
/// row's `chain` is computed in the appending transaction from the head in `chain_heads`. Appends
/// hold `appendLock`, so hubs sharing the database take turns and the chain never forks; seqs are
/// given explicitly (head + 1), so the chain has no holes from rolled-back identity values.
extension PostgresEventStore {
    /// The table's last seq and chain value; nil when the table has no head (a damaged store).
    static func head(_ db: PostgresConnection, _ table: ChainedTable, _ logger: Logger) async throws -> (seq: Int64, chain: ChainHash)? {
        let rows = try await db.query("SELECT seq, chain FROM chain_heads WHERE tbl = \(table.rawValue)", logger: logger)
        for try await (seq, chain) in rows.decode((Int64, ByteBuffer).self) {
            return ChainHash(Array(chain.readableBytesView)).map { (seq, $0) }
        }
        return nil
    }

    static func setHead(_ db: PostgresConnection, _ table: ChainedTable, _ head: (seq: Int64, chain: ChainHash), _ logger: Logger) async throws {
        try await db.query(
            "UPDATE chain_heads SET seq = \(head.seq), chain = \(ByteBuffer(bytes: head.chain.bytes)) WHERE tbl = \(table.rawValue)",
            logger: logger)
    }

    /// Appends raw records, each linked to the one before; inside the caller's locked transaction.
    static func insertChained(_ db: PostgresConnection, records: [RawRecord], _ logger: Logger) async throws {
        guard !records.isEmpty else { return }
        guard var head = try await Self.head(db, .raw, logger) else { throw StoreCorruption(what: "the raw archive has no chain head") }
        var links: [(link: RawRecordLink, chain: ChainHash)] = []
        for r in records {
            let link = RawRecordLink(seq: head.seq + 1, record: r)
            head = (link.seq, ChainHash.next(after: head.chain, link.canonical))
            links.append((link, head.chain))
        }
        try await insert(
            db, "raw_records (seq, sha256, format, device_id, first_received_at, received_at, frame_count, bytes, chain) OVERRIDING SYSTEM VALUE",
            records.count, logger
        ) {
            let (l, chain) = links[$1]
            return [$0.bind(l.seq), $0.bind(l.sha256), $0.bind(l.format), $0.bind(l.deviceID), $0.bind(l.firstReceivedAt),
                    $0.bind(l.receivedAt), $0.bind(records[$1].frameCount), $0.bind(ByteBuffer(bytes: records[$1].bytes)),
                    $0.bind(ByteBuffer(bytes: chain.bytes))]
        }
        try await setHead(db, .raw, head, logger)
    }

    /// Appends events (with their JSON bodies), each linked to the one before.
    static func insertChained(_ db: PostgresConnection, events: [InspectionEvent], bodies: [String], _ logger: Logger) async throws {
        guard !events.isEmpty else { return }
        guard var head = try await Self.head(db, .events, logger) else { throw StoreCorruption(what: "the events table has no chain head") }
        var links: [(link: EventLink, chain: ChainHash)] = []
        for (e, body) in zip(events, bodies) {
            let link = EventLink(seq: head.seq + 1, event: e, body: body)
            head = (link.seq, ChainHash.next(after: head.chain, link.canonical))
            links.append((link, head.chain))
        }
        try await insert(
            db,
            "events (seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body, body_sha256, chain) OVERRIDING SYSTEM VALUE",
            events.count, logger
        ) {
            let (l, chain) = links[$1]
            return [$0.bind(l.seq), $0.bind(l.id), $0.bind(l.kind), $0.bind(l.deviceID), $0.bind(l.site), $0.bind(l.lane),
                    $0.bind(l.severity), $0.bind(l.observedAt), $0.bind(l.receivedAt), $0.bind(l.rawSHA256), $0.bind(bodies[$1]),
                    $0.bind(ByteBuffer(bytes: l.bodySHA256)), $0.bind(ByteBuffer(bytes: chain.bytes))]
        }
        try await setHead(db, .events, head, logger)
    }

    /// Writes a purge to the ledger: one `purges` row and its ranges.
    static func recordPurge(
        _ db: PostgresConnection, table: ChainedTable, kind: String?, before: String?, ranges: [PurgedRange], reason: String,
        at: Date, _ logger: Logger
    ) async throws {
        let rows = ranges.reduce(Int64(0)) { $0 + $1.last - $1.first + 1 }
        let first = ranges.first?.first ?? 0, last = ranges.last?.last ?? 0
        var id: Int64 = 0
        for try await v in try await db.query(
            """
            INSERT INTO purges (at, tbl, kind, before, rows, first_seq, last_seq, reason)
            VALUES (\(Timestamp.format(at)), \(table.rawValue), \(kind), \(before), \(rows), \(first), \(last), \(reason)) RETURNING id
            """, logger: logger
        ).decode(Int64.self) {
            id = v
        }
        try await insert(db, "purged_ranges (tbl, first_seq, last_seq, last_chain, purge_id)", ranges.count, logger) {
            let r = ranges[$1]
            return [$0.bind(table.rawValue), $0.bind(r.first), $0.bind(r.last), $0.bind(ByteBuffer(bytes: r.lastChain.bytes)), $0.bind(id)]
        }
    }

    /// Chains the rows stored before the chain existed, in seq order (the migration's own transaction,
    /// with `niihub.chaining` set so the append-only triggers let the one-time UPDATEs through).
    static func chainExistingRows(_ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query("SELECT set_config('niihub.chaining', 'on', true)", logger: logger)
        for table in ChainedTable.allCases {
            var previous = ChainHash.genesis
            var expected: Int64 = 1
            while true {
                let sql = table == .raw
                    ? "SELECT seq, sha256, format, device_id, first_received_at, received_at, frame_count, NULL::text AS body FROM raw_records"
                    : "SELECT seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body FROM events"
                var rows: [PostgresRandomAccessRow] = []
                for try await row in try await db.query(
                    PostgresQuery(unsafeSQL: sql + " WHERE seq >= $1 ORDER BY seq LIMIT 2000", binds: binds(expected)), logger: logger)
                {
                    rows.append(row.makeRandomAccess())
                }
                guard !rows.isEmpty else { break }
                for row in rows {
                    let seq = try row["seq"].decode(Int64.self)
                    if seq != expected {
                        try await recordPurge(
                            db, table: table, kind: nil, before: nil,
                            ranges: [PurgedRange(first: expected, last: seq - 1, lastChain: previous)],
                            reason: "seqs missing when the hash chain was created", at: Date(), logger)
                    }
                    if table == .raw {
                        previous = ChainHash.next(after: previous, try rawLink(row).canonical)
                        try await db.query(
                            "UPDATE raw_records SET chain = \(ByteBuffer(bytes: previous.bytes)) WHERE seq = \(seq)", logger: logger)
                    } else {
                        let body = ChainHash.sha256(Array(try row["body"].decode(String.self).utf8))
                        previous = ChainHash.next(after: previous, try eventLink(row, bodySHA256: body).canonical)
                        try await db.query(
                            """
                            UPDATE events SET body_sha256 = \(ByteBuffer(bytes: body)), chain = \(ByteBuffer(bytes: previous.bytes))
                            WHERE seq = \(seq)
                            """, logger: logger)
                    }
                    expected = seq + 1
                }
            }
            try await db.query(
                "INSERT INTO chain_heads (tbl, seq, chain) VALUES (\(table.rawValue), \(expected - 1), \(ByteBuffer(bytes: previous.bytes)))",
                logger: logger)
        }
        try await db.query("SELECT set_config('niihub.chaining', 'off', true)", logger: logger)
    }

    static func binds(_ value: Int64) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(value)
        return b
    }

    static func rawLink(_ row: PostgresRandomAccessRow) throws -> RawRecordLink {
        RawRecordLink(
            seq: try row["seq"].decode(Int64.self), sha256: try row["sha256"].decode(String.self),
            format: try row["format"].decode(String.self), deviceID: try row["device_id"].decode(String.self),
            firstReceivedAt: try row["first_received_at"].decode(String.self), receivedAt: try row["received_at"].decode(String.self),
            frameCount: Int64(try row["frame_count"].decode(Int.self)))
    }

    static func eventLink(_ row: PostgresRandomAccessRow, bodySHA256: [UInt8]) throws -> EventLink {
        EventLink(
            seq: try row["seq"].decode(Int64.self), id: try row["id"].decode(String.self), kind: try row["kind"].decode(String.self),
            deviceID: try row["device_id"].decode(String.self), site: try row["site"].decode(String?.self),
            lane: try row["lane"].decode(String?.self), severity: try row["severity"].decode(String.self),
            observedAt: try row["observed_at"].decode(String.self), receivedAt: try row["received_at"].decode(String.self),
            rawSHA256: try row["raw_sha256"].decode(String.self), bodySHA256: bodySHA256)
    }
}
#endif
