import Foundation
import GRDB
import HubModel

/// One raw record's chain proof on SQLite, read in one snapshot so the head and the rows agree.
extension SQLiteEventStore {
    public func rawChainProof(sha256: String) async throws -> RawChainLookup {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: ByHash.chainProof, arguments: HashKey.arguments(sha256))
            else {
                let purged = try Row.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(rows), 0) AS n, MAX(at) AS last FROM purges WHERE tbl = 'raw_records'")
                return .notStored(purgedRows: purged?["n"] ?? 0, lastPurgeAt: purged?["last"])
            }
            let link = Self.rawLink(row)
            let rowBefore = try Data.fetchOne(
                db, sql: "SELECT chain FROM raw_records WHERE seq = ?", arguments: [link.seq - 1]
            ).flatMap { ChainHash([UInt8]($0)) }
            let ledgerBefore = try Data.fetchOne(
                db, sql: "SELECT last_chain FROM purged_ranges WHERE tbl = 'raw_records' AND last_seq = ?", arguments: [link.seq - 1]
            ).flatMap { ChainHash([UInt8]($0)) }
            let next = try Row.fetchOne(
                db, sql: "SELECT \(Self.rawLinkColumns), chain FROM raw_records WHERE seq = ?", arguments: [link.seq + 1]
            ).map { RawChainProof.Next(link: Self.rawLink($0), chain: try Self.storedChain($0, seq: link.seq + 1)) }
            let purgeAfter = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM purged_ranges WHERE tbl = 'raw_records' AND first_seq = ?)",
                arguments: [link.seq + 1]) ?? false
            guard let head = try Self.head(db, .raw) else { throw StoreCorruption(what: "the raw archive has no chain head") }
            return .found(
                RawChainProof(
                    link: link, chain: try Self.storedChain(row, seq: link.seq), rowBefore: rowBefore,
                    ledgerBefore: ledgerBefore, next: next, purgeAfter: purgeAfter, headSeq: head.seq, headChain: head.chain))
        }
    }

    private static func storedChain(_ row: Row, seq: Int64) throws -> ChainHash {
        guard let data = row["chain"] as Data?, let chain = ChainHash([UInt8](data)) else {
            throw StoreCorruption(what: "raw record seq \(seq) has no 32-byte chain value; run niihub verify")
        }
        return chain
    }
}
