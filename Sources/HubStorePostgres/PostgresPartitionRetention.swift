#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// Retention by whole partitions: a closed partition goes when every kind in it is past its age
/// (a kind kept for ever keeps its partitions for ever). Its stored seqs go to the purge ledger
/// first, run by run with the chain value of each run's last row, exactly as a row purge writes
/// them, so `verify` bridges the gap; then DETACH and DROP, which no trigger sees.
extension PostgresEventStore {
    public func dropAgedPartitions(policy: RetentionPolicy, now: Date) async throws -> [PurgeRun] {
        let closed = try await client.withConnection { db in try await Self.partitions(db, self.logger) }.filter { $0.upper != nil }
        var runs: [PurgeRun] = []
        for partition in closed {
            guard case .agedOut(let newest) = try await age(of: partition, policy: policy, now: now) else { continue }
            if let run = try await drop(partition, newest: newest, now: now) { runs.append(run) }
        }
        return runs
    }

    enum PartitionAge { case kept, agedOut(newest: String?) }

    /// Whether every kind in the partition is past its age, and its newest receive time: each
    /// kind's newest row by the `(kind, received_at, seq)` index, one probe per kind.
    private func age(of partition: EventPartition, policy: RetentionPolicy, now: Date) async throws -> PartitionAge {
        let logger = self.logger
        return try await client.withConnection { db in
            let kinds = try await Self.strings(
                db,
                PostgresQuery(
                    unsafeSQL: """
                        WITH RECURSIVE k(kind) AS (
                            SELECT MIN(kind) FROM \(partition.name)
                            UNION ALL
                            SELECT (SELECT MIN(kind) FROM \(partition.name) WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL)
                        SELECT kind FROM k WHERE kind IS NOT NULL
                        """), logger)
            var newest: String?
            for kind in kinds {
                guard let age = policy.age(forKind: kind) else { return .kept }
                var binds = PostgresBindings()
                binds.append(kind)
                let query = PostgresQuery(unsafeSQL: "SELECT MAX(received_at) FROM \(partition.name) WHERE kind = $1", binds: binds)
                for try await latest in try await db.query(query, logger: logger).decode(String?.self) {
                    guard let latest else { continue }
                    if latest >= Timestamp.format(now.addingTimeInterval(-age.seconds)) { return .kept }
                    newest = max(newest ?? latest, latest)
                }
            }
            return .agedOut(newest: newest)
        }
    }

    /// Drops the partition (`dropNow`) unless readers hold the table past `partitionLockWait`;
    /// logs the drop.
    private func drop(_ partition: EventPartition, newest: String?, now: Date) async throws -> PurgeRun? {
        let logger = self.logger
        let outcome = try await Self.putOffWhenBusy("drop", logger) {
            try await self.client.withTransaction(logger: logger) { db in
                try await Self.dropNow(db, partition, newest: newest, now: now, logger)
            }
        }
        guard case .some(let run) = outcome else { return nil }
        let seqs = run?.partition.map { "\($0.firstSeq)–\($0.lastSeq)" } ?? "none"
        logger.info("events partition dropped", metadata: ["partition": "\(partition.name)", "rows": "\(run?.rows ?? 0)", "seqs": "\(seqs)"])
        return run
    }

    /// Writes the partition's seqs to the ledger, deletes its events' link keys, and drops it; one
    /// transaction holding `appendLock`, so a row purge or an append never sees it half gone.
    /// Nil when it held no rows (all purged one by one before): dropped without a ledger entry.
    private static func dropNow(
        _ db: PostgresConnection, _ partition: EventPartition, newest: String?, now: Date, _ logger: Logger
    ) async throws -> PurgeRun? {
        try await beginPartitionChange(db, logger)
        var runs: [(first: Int64, last: Int64)] = []
        // Runs of consecutive seqs (gaps and islands): what earlier row purges left.
        for try await run in try await db.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT MIN(seq), MAX(seq) FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS island FROM \(partition.name)) s
                    GROUP BY island ORDER BY 1
                    """), logger: logger
        ).decode((Int64, Int64).self) {
            runs.append(run)
        }
        var result: PurgeRun?
        if let first = runs.first?.first, let last = runs.last?.last {
            var chains: [Int64: ChainHash] = [:]
            for try await (seq, chain) in try await db.query(
                PostgresQuery(unsafeSQL: "SELECT seq, chain FROM \(partition.name) WHERE seq = ANY($1)", binds: binds(runs.map(\.last))),
                logger: logger
            ).decode((Int64, ByteBuffer?).self) {
                chains[seq] = chain.flatMap { ChainHash(Array($0.readableBytesView)) }
            }
            let ranges = try runs.map { r in
                guard let chain = chains[r.last] else { throw StoreCorruption(what: "row seq \(r.last) has no chain value; run niihub verify") }
                return PurgedRange(first: r.first, last: r.last, lastChain: chain)
            }
            try await recordPurge(db, table: .events, kind: nil, before: nil, ranges: ranges, reason: "retention", at: now, logger)
            try await db.query(
                PostgresQuery(unsafeSQL: "DELETE FROM event_keys WHERE event_id IN (SELECT id FROM \(partition.name))"), logger: logger)
            result = PurgeRun(
                target: "events partition=\(partition.name)", rows: Int(ranges.reduce(Int64(0)) { $0 + $1.last - $1.first + 1 }),
                batches: 1, before: newest.flatMap(Timestamp.parse) ?? now,
                partition: DroppedPartition(name: partition.name, firstSeq: first, lastSeq: last))
        }
        try await db.query(PostgresQuery(unsafeSQL: "ALTER TABLE events DETACH PARTITION \(partition.name)"), logger: logger)
        try await db.query(PostgresQuery(unsafeSQL: "DROP TABLE \(partition.name)"), logger: logger)
        return result
    }

    static func binds(_ values: [Int64]) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(values)
        return b
    }
}
#endif
