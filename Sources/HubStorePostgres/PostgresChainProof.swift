#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// One raw record's chain proof on PostgreSQL, as on SQLite, read in one snapshot so the head and
/// the rows agree.
extension PostgresEventStore {
    public func rawChainProof(sha256: String) async throws -> RawChainLookup {
        try await client.withTransaction(logger: logger) { db in
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let columns = "seq, sha256, format, device_id, first_received_at, received_at, frame_count, chain"
            guard
                let row = try await Self.firstRow(
                    db, "SELECT \(columns) FROM raw_records WHERE sha256 = $1 ORDER BY seq LIMIT 1", sha256, logger)
            else {
                for try await (n, last) in try await db.query(
                    "SELECT COALESCE(SUM(rows), 0)::bigint, MAX(at) FROM purges WHERE tbl = 'raw_records'", logger: logger
                ).decode((Int64, String?).self) {
                    return .notStored(purgedRows: n, lastPurgeAt: last)
                }
                return .notStored(purgedRows: 0, lastPurgeAt: nil)
            }
            let link = try Self.rawLink(row)
            let chainColumn = { (row: PostgresRandomAccessRow?, column: String) throws -> ChainHash? in
                try row.flatMap { try $0[column].decode(ByteBuffer?.self) }.flatMap { ChainHash(Array($0.readableBytesView)) }
            }
            let rowBefore = try chainColumn(
                try await Self.firstRow(db, "SELECT chain FROM raw_records WHERE seq = $1", link.seq - 1, logger), "chain")
            let ledgerBefore = try chainColumn(
                try await Self.firstRow(
                    db, "SELECT last_chain FROM purged_ranges WHERE tbl = 'raw_records' AND last_seq = $1", link.seq - 1, logger),
                "last_chain")
            let next = try await Self.firstRow(db, "SELECT \(columns) FROM raw_records WHERE seq = $1", link.seq + 1, logger)
                .map { RawChainProof.Next(link: try Self.rawLink($0), chain: try Self.storedChain($0, seq: link.seq + 1)) }
            let purgeAfter = try await Self.firstRow(
                db, "SELECT 1 AS one FROM purged_ranges WHERE tbl = 'raw_records' AND first_seq = $1", link.seq + 1, logger) != nil
            guard let head = try await Self.head(db, .raw, logger) else {
                throw StoreCorruption(what: "the raw archive has no chain head")
            }
            return .found(
                RawChainProof(
                    link: link, chain: try Self.storedChain(row, seq: link.seq), rowBefore: rowBefore, ledgerBefore: ledgerBefore,
                    next: next, purgeAfter: purgeAfter, headSeq: head.seq, headChain: head.chain))
        }
    }

    /// The first row of `sql` with one bound value, if any.
    private static func firstRow(
        _ db: PostgresConnection, _ sql: String, _ value: some PostgresEncodable & Sendable, _ logger: Logger
    ) async throws -> PostgresRandomAccessRow? {
        var binds = PostgresBindings()
        try binds.append(value)
        for try await row in try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            return row.makeRandomAccess()
        }
        return nil
    }

    private static func storedChain(_ row: PostgresRandomAccessRow, seq: Int64) throws -> ChainHash {
        guard let data = try row["chain"].decode(ByteBuffer?.self), let chain = ChainHash(Array(data.readableBytesView)) else {
            throw StoreCorruption(what: "raw record seq \(seq) has no 32-byte chain value; run niihub verify")
        }
        return chain
    }
}
#endif
