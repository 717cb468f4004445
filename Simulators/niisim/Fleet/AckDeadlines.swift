import Synchronization

/// What a unit's reader hands its writer: the hub's bytes, or the end of one bounded wait.
enum FleetReply: Sendable {
    case bytes([UInt8])
    case timeout(Int)
}

/// The ack deadlines of every unit of a fleet, watched by one task.
///
/// A unit waiting for the hub's reply writes its deadline here; the watcher hands it a timeout
/// once the deadline has passed. A timer task per wait (a task made, a sleep scheduled on the
/// dispatch queue and a cancel, for each report) was about an eighth of the simulator's CPU with
/// 10,000 units, in the end-to-end benchmark where the simulator shares the two cores with the hub.
/// A deadline may fire up to one `tick` late, which a timeout of seconds does not notice.
final class AckDeadlines: Sendable {
    private struct Waiting {
        var deadline: ContinuousClock.Instant
        var wait: Int
        var feed: AsyncStream<FleetReply>.Continuation
    }

    private let waiting: Mutex<[Waiting?]>
    /// How often the watcher looks: a tenth of the timeout, at most every 100 ms.
    let tick: Duration

    init(units: Int, timeout: Duration) {
        waiting = Mutex(Array(repeating: nil, count: units))
        tick = min(.milliseconds(100), timeout / 10)
    }

    /// Unit `unit` waits, for the `wait`-th time, for a reply until `deadline`.
    func set(_ unit: Int, wait: Int, until deadline: ContinuousClock.Instant, feed: AsyncStream<FleetReply>.Continuation) {
        waiting.withLock { $0[unit] = Waiting(deadline: deadline, wait: wait, feed: feed) }
    }

    /// Unit `unit` has its reply (or its timeout).
    func clear(_ unit: Int) {
        waiting.withLock { $0[unit] = nil }
    }

    /// Hands each unit whose deadline has passed its timeout, once.
    private func fire() {
        let now = ContinuousClock.now
        let due = waiting.withLock { all -> [Waiting] in
            var due: [Waiting] = []
            for i in all.indices {
                if let w = all[i], w.deadline <= now {
                    due.append(w)
                    all[i] = nil
                }
            }
            return due
        }
        // Outside the lock: a yield resumes the waiting unit.
        for w in due { w.feed.yield(.timeout(w.wait)) }
    }

    /// Fires the deadlines every `tick` until the task is cancelled.
    func watch() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            fire()
        }
    }
}
