import Foundation
import GRDB
import HubModel

/// Evidence for signed packages on SQLite, each read in one snapshot.
extension SQLiteEventStore: ChainEvidenceStore {
    public func eventIDs(aboutDeclaration number: String, kinds: [String]) async throws -> [String] {
        guard !kinds.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: kinds.count).joined(separator: ",")
            return try String.fetchAll(
                db,
                sql: "SELECT id FROM events WHERE kind IN (\(marks)) AND json_extract(body, '$.subject.declaration') = ? ORDER BY seq",
                arguments: StatementArguments(kinds + [number]))
        }
    }

    public func storedEventBodies(ids: [String]) async throws -> [StoredEventBody] {
        try await pool.read { db in
            var out: [StoredEventBody] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT seq, id, kind, body, chain FROM events WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
                {
                    out.append(
                        StoredEventBody(
                            seq: row["seq"], id: row["id"], kind: row["kind"], body: row["body"],
                            chain: try Self.chainValue(row, what: "event seq \(row["seq"] as Int64)")))
                }
            }
            return out.sorted { $0.seq < $1.seq }
        }
    }

    public func storedRawRecords(sha256s: [String]) async throws -> [StoredRawRecord] {
        try await pool.read { db in
            var out: [StoredRawRecord] = []
            for sha in Set(sha256s) {
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM raw_records WHERE \(HashKey.matchingRaw()) ORDER BY seq LIMIT 1",
                        arguments: HashKey.arguments(sha))
                else { continue }
                let bytes: Data = row["bytes"]
                let record = RawRecord(
                    sha256: row["sha256"], format: row["format"], deviceID: row["device_id"],
                    firstReceivedAt: Timestamp.parse(row["first_received_at"]) ?? .distantPast,
                    receivedAt: Timestamp.parse(row["received_at"]) ?? .distantPast,
                    frameCount: row["frame_count"], bytes: [UInt8](bytes))
                out.append(StoredRawRecord(seq: row["seq"], record: record, chain: try Self.chainValue(row, what: "raw record seq \(row["seq"] as Int64)")))
            }
            return out.sorted { $0.seq < $1.seq }
        }
    }

    public func chainSegment(_ table: ChainedTable, from first: Int64, through last: Int64, maxRows: Int) async throws -> ChainSegment {
        guard first >= 1, last >= first else { throw StoreCorruption(what: "an empty chain segment \(first)–\(last) was asked for") }
        guard last - first + 1 <= Int64(maxRows) else { throw ChainSegmentTooLong(table: table, rows: last - first + 1, limit: maxRows) }
        return try await pool.read { db in
            let previous: ChainHash
            if first == 1 {
                previous = .genesis
            } else if let data = try Data.fetchOne(
                db, sql: "SELECT chain FROM \(table.rawValue) WHERE seq = ?", arguments: [first - 1]),
                let chain = ChainHash([UInt8](data))
            {
                previous = chain
            } else if let data = try Data.fetchOne(
                db, sql: "SELECT last_chain FROM purged_ranges WHERE tbl = ? AND last_seq = ?", arguments: [table.rawValue, first - 1]),
                let chain = ChainHash([UInt8](data))
            {
                previous = chain
            } else {
                throw StoreCorruption(what: "the \(table.rowName) before seq \(first) is missing and not in the purge ledger; run niihub verify")
            }
            var entries: [ChainSegment.Entry] = []
            let purged = try Row.fetchAll(
                db, sql: "SELECT first_seq, last_seq, last_chain FROM purged_ranges WHERE tbl = ? AND last_seq >= ? AND first_seq <= ? ORDER BY first_seq",
                arguments: [table.rawValue, first, last])
            var ranges = try purged.map { row -> PurgedRange in
                guard let chain = ChainHash([UInt8](row["last_chain"] as Data)) else {
                    throw StoreCorruption(what: "a purge ledger anchor is not 32 bytes; run niihub verify")
                }
                return PurgedRange(first: row["first_seq"], last: row["last_seq"], lastChain: chain)
            }[...]
            let columns = table == .raw ? Self.rawLinkColumns : Self.eventLinkColumns + ", body_sha256"
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT \(columns), chain FROM \(table.rawValue) WHERE seq BETWEEN ? AND ? ORDER BY seq", arguments: [first, last])
            while let row = try cursor.next() {
                let seq: Int64 = row["seq"]
                while let r = ranges.first, r.first < seq {
                    entries.append(.purged(r))
                    ranges.removeFirst()
                }
                let canonical: [UInt8]
                if table == .raw {
                    canonical = Self.rawLink(row).canonical
                } else {
                    canonical = Self.eventLink(row, bodySHA256: [UInt8]((row["body_sha256"] as Data?) ?? Data())).canonical
                }
                entries.append(.row(ChainedRow(seq: seq, canonical: canonical, chain: try Self.chainValue(row, what: "\(table.rowName) seq \(seq)"))))
            }
            entries += ranges.map { .purged($0) }
            return ChainSegment(table: table, firstSeq: first, previous: previous, entries: entries)
        }
    }

    private static func chainValue(_ row: Row, what: String) throws -> ChainHash {
        guard let data = row["chain"] as Data?, let chain = ChainHash([UInt8](data)) else {
            throw StoreCorruption(what: "\(what) has no 32-byte chain value; run niihub verify")
        }
        return chain
    }
}
