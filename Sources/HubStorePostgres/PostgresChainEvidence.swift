#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// Evidence for signed packages on PostgreSQL, as on SQLite: exact bodies and bytes and the chain
/// between them, each read in one repeatable-read snapshot so that rows and chain agree.
extension PostgresEventStore: ChainEvidenceStore {
    public func eventIDs(aboutDeclaration number: String, kinds: [String]) async throws -> [String] {
        guard !kinds.isEmpty else { return [] }
        return try await snapshot { db, logger in
            var ids: [String] = []
            for try await id in try await db.query(
                "SELECT id FROM events WHERE kind = ANY(\(kinds)) AND (body::jsonb)->'subject'->>'declaration' = \(number) ORDER BY seq",
                logger: logger
            ).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
    }

    public func storedEventBodies(ids: [String]) async throws -> [StoredEventBody] {
        guard !ids.isEmpty else { return [] }
        return try await snapshot { db, logger in
            var out: [StoredEventBody] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                for try await (seq, id, kind, body, chain) in try await db.query(
                    "SELECT seq, id, kind, body, chain FROM events WHERE id = ANY(\(chunk))", logger: logger
                ).decode((Int64, String, String, String, ByteBuffer?).self) {
                    out.append(StoredEventBody(seq: seq, id: id, kind: kind, body: body, chain: try Self.chainValue(chain, "event seq \(seq)")))
                }
            }
            return out.sorted { $0.seq < $1.seq }
        }
    }

    public func storedRawRecords(sha256s: [String]) async throws -> [StoredRawRecord] {
        try await snapshot { db, logger in
            var out: [StoredRawRecord] = []
            for sha in Set(sha256s) {
                let sql = """
                    SELECT seq, sha256, format, device_id, first_received_at, received_at, frame_count, bytes, chain
                    FROM raw_records WHERE sha256 = $1 ORDER BY seq LIMIT 1
                    """
                var binds = PostgresBindings()
                binds.append(sha)
                for try await streamed in try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                    let row = streamed.makeRandomAccess()
                    let link = try Self.rawLink(row)
                    let bytes = try row["bytes"].decode(ByteBuffer.self)
                    let record = RawRecord(
                        sha256: link.sha256, format: link.format, deviceID: link.deviceID,
                        firstReceivedAt: Timestamp.parse(link.firstReceivedAt) ?? .distantPast,
                        receivedAt: Timestamp.parse(link.receivedAt) ?? .distantPast, frameCount: Int(link.frameCount),
                        bytes: Array(bytes.readableBytesView))
                    out.append(
                        StoredRawRecord(
                            seq: link.seq, record: record,
                            chain: try Self.chainValue(try row["chain"].decode(ByteBuffer?.self), "raw record seq \(link.seq)")))
                }
            }
            return out.sorted { $0.seq < $1.seq }
        }
    }

    public func chainSegment(_ table: ChainedTable, from first: Int64, through last: Int64, maxRows: Int) async throws -> ChainSegment {
        guard first >= 1, last >= first else { throw StoreCorruption(what: "an empty chain segment \(first)–\(last) was asked for") }
        guard last - first + 1 <= Int64(maxRows) else { throw ChainSegmentTooLong(table: table, rows: last - first + 1, limit: maxRows) }
        return try await snapshot { db, logger in
            let previous = try await Self.chainBefore(first, table, db, logger)
            var ranges: ArraySlice<PurgedRange> = []
            for try await (f, l, chain) in try await db.query(
                """
                SELECT first_seq, last_seq, last_chain FROM purged_ranges
                WHERE tbl = \(table.rawValue) AND last_seq >= \(first) AND first_seq <= \(last) ORDER BY first_seq
                """, logger: logger
            ).decode((Int64, Int64, ByteBuffer).self) {
                guard let c = ChainHash(Array(chain.readableBytesView)) else {
                    throw StoreCorruption(what: "a purge ledger anchor is not 32 bytes; run niihub verify")
                }
                ranges.append(PurgedRange(first: f, last: l, lastChain: c))
            }
            let sql = table == .raw
                ? "SELECT seq, sha256, format, device_id, first_received_at, received_at, frame_count, chain FROM raw_records "
                    + "WHERE seq BETWEEN $1 AND $2 ORDER BY seq"
                : "SELECT seq, id, kind, device_id, site, lane, severity, observed_at, received_at, raw_sha256, body_sha256, chain, "
                    + "sha256(convert_to(body, 'UTF8')) AS digest FROM events WHERE seq BETWEEN $1 AND $2 ORDER BY seq"
            var binds = PostgresBindings()
            binds.append(first)
            binds.append(last)
            var entries: [ChainSegment.Entry] = []
            for try await streamed in try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                let row = streamed.makeRandomAccess()
                let seq = try row["seq"].decode(Int64.self)
                while let r = ranges.first, r.first < seq {
                    entries.append(.purged(r))
                    ranges.removeFirst()
                }
                let canonical: [UInt8]
                if table == .raw {
                    canonical = try Self.rawLink(row).canonical
                } else {
                    // The body's hash as committed with the row, as `niihub verify` reads it.
                    let committed = try row["body_sha256"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }
                    let digest = Array(try row["digest"].decode(ByteBuffer.self).readableBytesView)
                    canonical = try Self.eventLink(row, bodySHA256: committed ?? digest).canonical
                }
                let chain = try Self.chainValue(try row["chain"].decode(ByteBuffer?.self), "\(table.rowName) seq \(seq)")
                entries.append(.row(ChainedRow(seq: seq, canonical: canonical, chain: chain)))
            }
            entries += ranges.map { .purged($0) }
            return ChainSegment(table: table, firstSeq: first, previous: previous, entries: entries)
        }
    }

    /// The chain value a row at `first` follows: the genesis, the row before it, or the purge
    /// ledger's anchor when that row was removed.
    private static func chainBefore(_ first: Int64, _ table: ChainedTable, _ db: PostgresConnection, _ logger: Logger) async throws -> ChainHash {
        if first == 1 { return .genesis }
        var binds = PostgresBindings()
        binds.append(first - 1)
        for try await chain in try await db.query(
            PostgresQuery(unsafeSQL: "SELECT chain FROM \(table.rawValue) WHERE seq = $1", binds: binds), logger: logger
        ).decode(ByteBuffer?.self) {
            if let c = chain.flatMap({ ChainHash(Array($0.readableBytesView)) }) { return c }
        }
        for try await chain in try await db.query(
            "SELECT last_chain FROM purged_ranges WHERE tbl = \(table.rawValue) AND last_seq = \(first - 1)", logger: logger
        ).decode(ByteBuffer.self) {
            if let c = ChainHash(Array(chain.readableBytesView)) { return c }
        }
        throw StoreCorruption(what: "the \(table.rowName) before seq \(first) is missing and not in the purge ledger; run niihub verify")
    }

    private static func chainValue(_ data: ByteBuffer?, _ what: String) throws -> ChainHash {
        guard let data, let chain = ChainHash(Array(data.readableBytesView)) else {
            throw StoreCorruption(what: "\(what) has no 32-byte chain value; run niihub verify")
        }
        return chain
    }

    /// `body` in one read-only, repeatable-read transaction.
    private func snapshot<T: Sendable>(_ body: @Sendable @escaping (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await client.withTransaction(logger: logger) { [logger] db in
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(db, logger)
        }
    }
}
#endif
