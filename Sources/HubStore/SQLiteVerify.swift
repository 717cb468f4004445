import Crypto
import Foundation
import GRDB

/// `niihub verify` on SQLite: both chained tables streamed row by row in one read snapshot (memory
/// stays flat whatever the store's size), with the purge ledger merged in.
extension SQLiteEventStore {
    /// Walks the raw archive and the events from their first seq to their heads. For raw records:
    /// the chain, and that the bytes still hash to their sha256. For events: the chain, that the body
    /// still hashes to its committed hash, and that the raw record it names is stored.
    public func verify() async throws -> StoreVerification {
        let started = ContinuousClock.now
        var report = try await pool.read { db in
            let tables = try ChainedTable.allCases.map { try Self.verify(db, $0) }
            let purges = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM purges WHERE reason = 'retention'") ?? 0
            let last = try String.fetchOne(db, sql: "SELECT MAX(at) FROM purges WHERE reason = 'retention'")
            return StoreVerification(tables: tables, purges: purges, lastPurgeAt: last, seconds: 0)
        }
        let elapsed = ContinuousClock.now - started
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return report
    }

    private static func verify(_ db: Database, _ table: ChainedTable) throws -> TableVerification {
        var walk = ChainWalk()
        var hashed: Int64 = 0
        let ranges = try Row.fetchCursor(
            db, sql: "SELECT first_seq, last_seq, last_chain FROM purged_ranges WHERE tbl = ? ORDER BY first_seq",
            arguments: [table.rawValue])
        func nextRange() throws -> PurgedRange? {
            guard let r = try ranges.next() else { return nil }
            let chain = ChainHash([UInt8](r["last_chain"] as Data)) ?? .genesis
            return PurgedRange(first: r["first_seq"], last: r["last_seq"], lastChain: chain)
        }
        var pending = try nextRange()
        let sql = table == .raw
            ? "SELECT \(rawLinkColumns), bytes, chain FROM raw_records ORDER BY seq"
            : ByHash.verifiedEvents
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() {
            let seq: Int64 = row["seq"]
            while let r = pending, r.first < seq {
                walk.skip(r)
                pending = try nextRange()
            }
            let stored = (row["chain"] as Data?).flatMap { ChainHash([UInt8]($0)) }
            let content = try row.withUnsafeData(named: table == .raw ? "bytes" : "body") { data -> (digest: [UInt8], count: Int) in
                let d = data ?? Data()
                return (Array(SHA256.hash(data: d)), d.count)
            }
            hashed += Int64(content.count)
            if table == .raw {
                let link = rawLink(row)
                walk.visit(seq: seq, canonical: link.canonical, stored: stored)
                walk.checkBytes(seq: seq, recorded: link.sha256, actual: ChainHash.hex(content.digest))
            } else {
                let committed = (row["body_sha256"] as Data?).map { [UInt8]($0) }
                walk.visit(seq: seq, canonical: eventLink(row, bodySHA256: committed ?? content.digest).canonical, stored: stored)
                walk.checkBody(seq: seq, committed: committed, digest: content.digest)
                if row["has_raw"] as Bool? != true {
                    walk.flag(seq: seq, problem: "its raw record \(row["raw_sha256"] as String) is not in the archive")
                }
            }
        }
        while let r = pending {
            walk.skip(r)
            pending = try nextRange()
        }
        let head = try Self.head(db, table)
        walk.finish(head: head)
        let broken = try walk.breaks.sorted { $0.seq < $1.seq }.map { b in
            let row = try Row.fetchOne(
                db, sql: "SELECT device_id, received_at FROM \(table.rawValue) WHERE seq = ?", arguments: [b.seq])
            return BrokenRow(table: table, seq: b.seq, deviceID: row?["device_id"], receivedAt: row?["received_at"], problem: b.problem)
        }
        return TableVerification(
            table: table, rows: walk.rows, bytes: hashed, purgedRows: walk.purgedRows, headSeq: head?.seq,
            headChain: head?.chain.hex, breakCount: walk.breakCount, broken: broken)
    }
}
