#if PostgreSQL
import Logging
import PostgresNIO
import Synchronization

/// Told when the store stops using a pool: the primary moved (a failover), or the store closed.
final class PoolRetirement: Sendable {
    private struct State {
        var retired = false
        var next: UInt64 = 0
        var waiters: [UInt64: @Sendable () -> Void] = [:]
    }
    private let state = Mutex(State())

    /// Calls `action` once the pool is retired, at once if it already is; the token `forget` takes.
    func onRetire(_ action: @escaping @Sendable () -> Void) -> UInt64? {
        let token = state.withLock { s -> UInt64? in
            guard !s.retired else { return nil }
            s.next += 1
            s.waiters[s.next] = action
            return s.next
        }
        if token == nil { action() }
        return token
    }

    func forget(_ token: UInt64?) {
        guard let token else { return }
        state.withLock { _ = $0.waiters.removeValue(forKey: token) }
    }

    func retire() {
        let waiting = state.withLock { s -> [@Sendable () -> Void] in
            s.retired = true
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for action in waiting { action() }
    }
}

/// The store's pool as its queries reach it (`PostgresEventStore.client`). A query runs on the pool
/// current when it starts and fails with `PoolMoved` as soon as the store retires that pool, instead
/// of waiting on it: a query the dying primary had taken was seen to wait for ever on the retired
/// pool, after postgres-nio had shut it down, and with it the feed and the hub's stop. A write
/// goes through `writing`, which finds the new primary and retries; a read that fails so is read
/// again by its caller's loop, on the new pool.
struct GuardedClient: Sendable {
    /// The pool itself, for what needs a `PostgresClient` (the schema's migrations, at open).
    let raw: PostgresClient
    let retirement: PoolRetirement

    @discardableResult
    func query(
        _ query: PostgresQuery, logger: Logger? = nil, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        let raw = self.raw
        return try await guarded { try await raw.query(query, logger: logger, file: file, line: line) }
    }

    /// As `PostgresClient.withConnection` (not guarded: its closure runs on the caller's task).
    func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation, _ closure: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await raw.withConnection(isolation: isolation, closure)
    }

    /// As `PostgresClient.withTransaction` (not guarded: its closure runs on the caller's task).
    func withTransaction<Result>(
        logger: Logger, file: String = #file, line: Int = #line, isolation: isolated (any Actor)? = #isolation,
        _ closure: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await raw.withTransaction(logger: logger, file: file, line: line, isolation: isolation, closure)
    }

    /// Runs `body` in a task of its own and returns its result, or fails with `PoolMoved` once the
    /// pool is retired; the abandoned task ends whenever its pool lets it.
    private func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = FirstOutcome<T>()
        let token = retirement.onRetire { outcome.settle(.failure(PostgresEventStore.PoolMoved())) }
        defer { retirement.forget(token) }
        outcome.settle(running: body)
        return try await outcome.value()
    }
}
#endif
