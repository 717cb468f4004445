import Foundation
import HubModel

/// A store that can purge by age in small batches, recording each batch in its purge ledger.
public protocol RetentionStore: Sendable {
    /// The event kinds stored.
    func storedKinds() async throws -> [String]
    /// Deletes up to `limit` of the oldest events of `kind` received before `before`, in one short
    /// transaction; returns how many.
    func purgeEvents(kind: String, before: Date, limit: Int, now: Date) async throws -> Int
    /// Looks at up to `limit` raw records received before `before`, from `after` on, and deletes
    /// those no event points at, in one short transaction.
    func purgeRaw(before: Date, after: RawPurgePosition?, limit: Int, now: Date) async throws -> RawPurgeBatch
    /// Deletes up to `limit` of the oldest notification outbox messages in a final state last
    /// touched before `before`; returns how many (`NotificationOutboxStore` has the same).
    func purgeNotifications(before: Date, limit: Int) async throws -> Int
    /// Notes a finished run (one kind, or the raw records) in the audit log.
    func recordPurgeRun(_ run: PurgeRun, at: Date) async throws
    /// Stores whose events are partitioned by time (PostgreSQL): closes the open partition when its
    /// newest event was received in a later `period` than its first, and opens a new one; returns
    /// the closed partition's name, nil when nothing rolled.
    func rollPartition(period: PartitionPeriod) async throws -> String?
    /// Stores whose events are partitioned by time: drops each closed partition in which every
    /// event is past its kind's age, after writing its seqs to the purge ledger; one run per drop
    /// that removed rows.
    func dropAgedPartitions(policy: RetentionPolicy, now: Date) async throws -> [PurgeRun]
}

extension RetentionStore {
    /// Not partitioned: nothing to roll.
    public func rollPartition(period: PartitionPeriod) async throws -> String? { nil }
    /// Not partitioned: retention deletes rows only.
    public func dropAgedPartitions(policy: RetentionPolicy, now: Date) async throws -> [PurgeRun] { [] }
}

/// Where a scan of old raw records stopped, to go on from there.
public struct RawPurgePosition: Sendable, Equatable {
    public var receivedAt: String
    public var seq: Int64

    public init(receivedAt: String, seq: Int64) {
        self.receivedAt = receivedAt
        self.seq = seq
    }
}

public struct RawPurgeBatch: Sendable, Equatable {
    public var deleted: Int
    public var scanned: Int
    /// Nil when the scan reached the cutoff.
    public var next: RawPurgePosition?

    public init(deleted: Int, scanned: Int, next: RawPurgePosition?) {
        self.deleted = deleted
        self.scanned = scanned
        self.next = next
    }
}

/// What one run purged from one kind (or from the raw archive), or one events partition dropped whole.
public struct PurgeRun: Sendable, Equatable {
    /// `events kind=radiation.background`, `raw_records` or `events partition=events_p1001`.
    public var target: String
    public var rows: Int
    public var batches: Int
    /// Rows received before this were purged; for a dropped partition, its newest row's receive time.
    public var before: Date
    /// The partition dropped whole, with its first and last stored seq (nil: rows deleted one by one).
    public var partition: DroppedPartition?

    public init(target: String, rows: Int, batches: Int, before: Date, partition: DroppedPartition? = nil) {
        self.target = target
        self.rows = rows
        self.batches = batches
        self.before = before
        self.partition = partition
    }

    public var detail: String {
        guard let partition else {
            return "deleted \(rows) row(s) received before \(Timestamp.format(before)) in \(batches) batch(es)"
        }
        return "dropped partition \(partition.name): \(rows) row(s), seqs \(partition.firstSeq)–\(partition.lastSeq), "
            + "the newest received \(Timestamp.format(before)), every kind past its age"
    }
}

/// An events partition retention dropped whole.
public struct DroppedPartition: Sendable, Equatable {
    public var name: String
    public var firstSeq: Int64
    public var lastSeq: Int64

    public init(name: String, firstSeq: Int64, lastSeq: Int64) {
        self.name = name
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
    }
}

/// Applies a `RetentionPolicy` to a store: each kind with an age, the notifications outbox, then the raw records, a small
/// batch at a time with a pause between batches so ingest keeps the writer.
public struct RetentionPurger: Sendable {
    public let store: any RetentionStore
    public let policy: RetentionPolicy

    public init(store: any RetentionStore, policy: RetentionPolicy) {
        self.store = store
        self.policy = policy
    }

    /// One pass at `now`; returns the runs that deleted something (each also noted in the audit log).
    /// Partitions go first (a roll, then whole aged-out partitions), so the row deletes that
    /// follow only meet the shorter-lived kinds of the partitions kept. Stops between batches when
    /// the task is cancelled.
    public func purge(now: Date) async throws -> [PurgeRun] {
        _ = try await store.rollPartition(period: policy.partition)
        var runs: [PurgeRun] = []
        for run in try await store.dropAgedPartitions(policy: policy, now: now) {
            try await store.recordPurgeRun(run, at: now)
            runs.append(run)
        }
        let limit = max(policy.batchRows, 1)
        for kind in try await store.storedKinds() {
            guard let age = policy.age(forKind: kind) else { continue }
            let before = now.addingTimeInterval(-age.seconds)
            if let run = try await batches("events kind=\(kind)", before: before, limit: limit, now: now, {
                try await store.purgeEvents(kind: kind, before: before, limit: limit, now: now)
            }) { runs.append(run) }
        }
        if let age = policy.notificationsAge {
            let before = now.addingTimeInterval(-age.seconds)
            if let run = try await batches("notification_outbox", before: before, limit: limit, now: now, {
                try await store.purgeNotifications(before: before, limit: limit)
            }) { runs.append(run) }
        }
        guard let age = policy.rawRetention else { return runs }
        var run = PurgeRun(target: "raw_records", rows: 0, batches: 0, before: now.addingTimeInterval(-age.seconds))
        var position: RawPurgePosition?
        repeat {
            try Task.checkCancellation()
            let batch = try await store.purgeRaw(before: run.before, after: position, limit: limit, now: now)
            run.rows += batch.deleted
            if batch.deleted > 0 { run.batches += 1 }
            position = batch.next
            if position != nil { try await pause() }
        } while position != nil
        if run.rows > 0 {
            try await store.recordPurgeRun(run, at: now)
            runs.append(run)
        }
        return runs
    }

    /// Runs `batch` (one short transaction deleting up to `limit` rows) until a batch deletes
    /// fewer, pausing between; the run, noted in the audit log, when it deleted anything.
    private func batches(
        _ target: String, before: Date, limit: Int, now: Date, _ batch: () async throws -> Int
    ) async throws -> PurgeRun? {
        var run = PurgeRun(target: target, rows: 0, batches: 0, before: before)
        while true {
            try Task.checkCancellation()
            let n = try await batch()
            run.rows += n
            if n > 0 { run.batches += 1 }
            if n < limit { break }
            try await pause()
        }
        guard run.rows > 0 else { return nil }
        try await store.recordPurgeRun(run, at: now)
        return run
    }

    private func pause() async throws {
        if policy.pauseSeconds > 0 { try await Task.sleep(for: .seconds(policy.pauseSeconds)) }
    }
}
