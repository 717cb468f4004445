import HubModel
import HubStore
import Synchronization

/// Writes batches from many devices in shared transactions: whoever arrives while a write is under
/// way queues up, and the next write takes the whole queue. One fsync then covers many devices,
/// which is what lets thousands of connections ingest at once on `synchronous = FULL`.
///
/// An urgent batch (an alarm, a lane device's reading: `IngestSink` decides) does not queue behind
/// the others: the next write takes the urgent ones alone, so under a backlog of thousands of device
/// batches an operator's alarm waits for the write under way and its own small one, not for the
/// whole queue ahead of it.
///
/// Writes run in their own task, so a caller cancelled mid-write (hub shutdown) does not abandon a
/// batch already read from a device.
final class GroupCommitter: Sendable {
    private struct Pending {
        var batch: IngestBatch
        var done: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        /// Urgent batches, written before `queue`.
        var urgent: [Pending] = []
        var writing = false
        /// Whether the last write took urgent batches: the next one then takes the others, if any
        /// wait, so that devices alarming without pause cannot hold every other device back.
        var tookUrgent = false

        /// The next write's batches: the urgent ones, else the oldest others.
        mutating func take(_ most: Int) -> [Pending] {
            tookUrgent = !urgent.isEmpty && !(tookUrgent && !queue.isEmpty)
            if tookUrgent {
                let n = min(urgent.count, most)
                defer { urgent.removeFirst(n) }
                return Array(urgent.prefix(n))
            }
            let n = min(queue.count, most)
            defer { queue.removeFirst(n) }
            return Array(queue.prefix(n))
        }
    }

    private let store: any EventStore
    private let state = Mutex(State())
    /// Most batches folded into one transaction. A larger transaction writes fewer pages per event:
    /// each random-key index (the raw hashes, the link keys) dirties about one leaf page per insert
    /// until a transaction holds more inserts than the index has pages. With 10,000 seals reporting,
    /// 2,048 instead of 512 cut the log and checkpoint bytes written per message from 27.9 to 17.9 KB
    /// and raised the sustained rate from 6,069–6,527 to 7,009 messages/s (BENCHMARKS.md, 2026-12-07).
    /// The price is paid only under such a backlog: an alarm that arrives meanwhile waits for a
    /// longer write under way (then goes first).
    private let maxBatches: Int

    init(store: any EventStore, maxBatches: Int = 2_048) {
        self.store = store
        self.maxBatches = maxBatches
    }

    /// Batches waiting for the next transaction (not counting the one being written).
    var pending: Int { state.withLock { $0.queue.count + $0.urgent.count } }

    /// Returns once the batch is durable, or throws what the store said. An `urgent` batch is
    /// written before the others waiting.
    func commit(_ batch: IngestBatch, urgent: Bool = false) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let lead = state.withLock { s -> Bool in
                if urgent {
                    s.urgent.append(Pending(batch: batch, done: done))
                } else {
                    s.queue.append(Pending(batch: batch, done: done))
                }
                guard !s.writing else { return false }
                s.writing = true
                return true
            }
            if lead { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let work = state.withLock { s -> [Pending] in
                let taken = s.take(maxBatches)
                if taken.isEmpty { s.writing = false }
                return taken
            }
            guard !work.isEmpty else { return }
            var merged = IngestBatch()
            for p in work { merged.append(p.batch) }
            do {
                let started = ContinuousClock.now
                try await store.append(merged)
                IngestMetrics.committed(batches: work.count, seconds: ContinuousClock.now - started)
                for p in work { p.done.resume() }
            } catch let away as StoreUnavailable {
                // No server to take any of them: each caller waits and tries again.
                for p in work { p.done.resume(throwing: away) }
            } catch {
                // One bad batch must not sink the others that shared its transaction.
                for p in work {
                    do {
                        try await store.append(p.batch)
                        p.done.resume()
                    } catch {
                        p.done.resume(throwing: error)
                    }
                }
            }
        }
    }
}
