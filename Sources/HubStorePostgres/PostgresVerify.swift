#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// `niihub verify` on PostgreSQL: both chained tables streamed in seq order in one read-only
/// snapshot, with the purge ledger merged in. The server hashes the raw bytes and bodies
/// (`sha256()`), so they are not sent to the verifier.
extension PostgresEventStore {
    public func verify() async throws -> StoreVerification {
        let started = ContinuousClock.now
        var report = try await client.withTransaction(logger: logger) { db in
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var tables: [TableVerification] = []
            for table in ChainedTable.allCases { tables.append(try await Self.verify(db, table, logger)) }
            var purges = 0
            var last: String?
            for try await (n, at) in try await db.query(
                "SELECT count(*), MAX(at) FROM purges WHERE reason = 'retention'", logger: logger
            ).decode((Int, String?).self) {
                purges = n
                last = at
            }
            return StoreVerification(tables: tables, purges: purges, lastPurgeAt: last, seconds: 0)
        }
        let elapsed = ContinuousClock.now - started
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return report
    }

    private static func verify(_ db: PostgresConnection, _ table: ChainedTable, _ logger: Logger) async throws -> TableVerification {
        var ranges: [PurgedRange] = []
        for try await (first, last, chain) in try await db.query(
            "SELECT first_seq, last_seq, last_chain FROM purged_ranges WHERE tbl = \(table.rawValue) ORDER BY first_seq",
            logger: logger
        ).decode((Int64, Int64, ByteBuffer).self) {
            ranges.append(PurgedRange(first: first, last: last, lastChain: ChainHash(Array(chain.readableBytesView)) ?? .genesis))
        }
        var pending = ranges.makeIterator()
        var range = pending.next()
        var walk = ChainWalk()
        var hashed: Int64 = 0
        let sql = table == .raw
            ? """
                SELECT seq, sha256, format, device_id, first_received_at, received_at, frame_count, chain,
                       encode(sha256(bytes), 'hex') AS digest, octet_length(bytes)::bigint AS size
                FROM raw_records ORDER BY seq
                """
            : """
                SELECT seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body_sha256, chain,
                       sha256(convert_to(body, 'UTF8')) AS digest, octet_length(body)::bigint AS size,
                       EXISTS (SELECT 1 FROM raw_records r WHERE r.sha256 = events.raw_sha256) AS has_raw
                FROM events ORDER BY seq
                """
        for try await streamed in try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
            let row = streamed.makeRandomAccess()
            let seq = try row["seq"].decode(Int64.self)
            while let r = range, r.first < seq {
                walk.skip(r)
                range = pending.next()
            }
            let stored = try row["chain"].decode(ByteBuffer?.self).flatMap { ChainHash(Array($0.readableBytesView)) }
            hashed += try row["size"].decode(Int64.self)
            if table == .raw {
                let link = try rawLink(row)
                walk.visit(seq: seq, canonical: link.canonical, stored: stored)
                walk.checkBytes(seq: seq, recorded: link.sha256, actual: try row["digest"].decode(String.self))
            } else {
                let digest = Array(try row["digest"].decode(ByteBuffer.self).readableBytesView)
                let committed = try row["body_sha256"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }
                walk.visit(seq: seq, canonical: try eventLink(row, bodySHA256: committed ?? digest).canonical, stored: stored)
                walk.checkBody(seq: seq, committed: committed, digest: digest)
                if try row["has_raw"].decode(Bool.self) != true {
                    walk.flag(seq: seq, problem: "its raw record \(try row["raw_sha256"].decode(String.self)) is not in the archive")
                }
            }
        }
        while let r = range {
            walk.skip(r)
            range = pending.next()
        }
        let head = try await Self.head(db, table, logger)
        walk.finish(head: head)
        var broken: [BrokenRow] = []
        for b in walk.breaks.sorted(by: { $0.seq < $1.seq }) {
            var device: String?
            var at: String?
            for try await (d, r) in try await db.query(
                PostgresQuery(unsafeSQL: "SELECT device_id, received_at FROM \(table.rawValue) WHERE seq = $1", binds: binds(b.seq)),
                logger: logger
            ).decode((String, String).self) {
                device = d
                at = r
            }
            broken.append(BrokenRow(table: table, seq: b.seq, deviceID: device, receivedAt: at, problem: b.problem))
        }
        return TableVerification(
            table: table, rows: walk.rows, bytes: hashed, purgedRows: walk.purgedRows, headSeq: head?.seq,
            headChain: head?.chain.hex, breakCount: walk.breakCount, broken: broken)
    }
}
#endif
