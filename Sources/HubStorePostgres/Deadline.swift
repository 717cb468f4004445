#if PostgreSQL
/// Runs `body`, failing with `DeadlinePassed` if it takes longer than `limit`: a pool waiting for a
/// server that is not there would otherwise wait for ever.
enum Deadline {
    /// The body runs in a task of its own, cancelled once the limit passes and then left behind: a
    /// task group would wait for it, and a query on a pool whose server vanished may not end when
    /// cancelled (the watchdog waited so, and with it every failover after). A caller cancelled
    /// meanwhile passes the cancellation on to the body.
    static func within<T: Sendable>(
        _ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = FirstOutcome<T>()
        let work = outcome.settle(running: body)
        let timer = Task {
            try await Task.sleep(for: limit)
            outcome.settle(.failure(DeadlinePassed(what: what, limit: limit)))
            work.cancel()
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
        }
    }
}

/// Something the store waited for did not happen in time.
public struct DeadlinePassed: Error, CustomStringConvertible {
    public var what: String
    public var limit: Duration
    public var description: String { "\(what): no answer within \(limit)" }
}
#endif
