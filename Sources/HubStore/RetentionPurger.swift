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
    /// Notes a finished run (one kind, or the raw records) in the audit log.
    func recordPurgeRun(_ run: PurgeRun, at: Date) async throws
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

/// What one run purged from one kind (or from the raw archive).
public struct PurgeRun: Sendable, Equatable {
    /// `events kind=radiation.background` or `raw_records`.
    public var target: String
    public var rows: Int
    public var batches: Int
    public var before: Date

    public var detail: String { "deleted \(rows) row(s) received before \(Timestamp.format(before)) in \(batches) batch(es)" }
}

/// Applies a `RetentionPolicy` to a store: each kind with an age, then the raw records, a small
/// batch at a time with a pause between batches so ingest keeps the writer.
public struct RetentionPurger: Sendable {
    public let store: any RetentionStore
    public let policy: RetentionPolicy

    public init(store: any RetentionStore, policy: RetentionPolicy) {
        self.store = store
        self.policy = policy
    }

    /// One pass at `now`; returns the runs that deleted something (each also noted in the audit log).
    /// Stops between batches when the task is cancelled.
    public func purge(now: Date) async throws -> [PurgeRun] {
        var runs: [PurgeRun] = []
        let limit = max(policy.batchRows, 1)
        for kind in try await store.storedKinds() {
            guard let age = policy.age(forKind: kind) else { continue }
            var run = PurgeRun(target: "events kind=\(kind)", rows: 0, batches: 0, before: now.addingTimeInterval(-age.seconds))
            while true {
                try Task.checkCancellation()
                let n = try await store.purgeEvents(kind: kind, before: run.before, limit: limit, now: now)
                run.rows += n
                if n > 0 { run.batches += 1 }
                if n < limit { break }
                try await pause()
            }
            if run.rows > 0 {
                try await store.recordPurgeRun(run, at: now)
                runs.append(run)
            }
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

    private func pause() async throws {
        if policy.pauseSeconds > 0 { try await Task.sleep(for: .seconds(policy.pauseSeconds)) }
    }
}
