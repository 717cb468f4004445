import Synchronization

/// Wakes one waiting loop when there is something for it (events stored, rows queued), so an idle
/// loop sleeps instead of polling the store several times a second. Rings while nobody waits are
/// kept as one: the next `wait` returns at once.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the loop waiting now, or the next one to wait.
    public func ring() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else {
                s.rung = true
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }

    /// Returns when rung (or already rung since the last wait), after `timeout`, or when the task is
    /// cancelled, whichever comes first. One waiter at a time.
    public func wait(upTo timeout: Duration) async {
        let id = state.withLock { s -> UInt64? in
            if s.rung {
                s.rung = false
                return nil
            }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self?.release(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    // Rung, or timed out or cancelled, between the check above and here.
                    if s.rung || s.nextID != id || Task.isCancelled {
                        s.rung = false
                        return true
                    }
                    s.waiter = (id, c)
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            release(id)
        }
        timer.cancel()
    }

    /// Resumes waiter `id` if it still waits (the timer's or the cancellation's way out).
    private func release(_ id: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter, w.id == id else {
                // Not parked yet: a later id tells the parking step not to wait.
                if s.nextID == id { s.nextID += 1 }
                return nil
            }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }
}
