#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import PostgresNIO
import Synchronization

/// Failover: a write that fails because the server went away finds the primary again (through
/// `PrimaryLocator`), points the pool at it, and reports `StoreUnavailable` so the caller retries.
/// postgres-nio's pool is bound to one host, so moving means a new pool; the old one is shut once
/// what it still runs has had a moment to finish.
extension PostgresEventStore {
    /// A server that answered but is a standby, where the URL asks for one that takes writes.
    struct NotPrimary: Error, CustomStringConvertible {
        var endpoint: String
        var description: String { "\(endpoint) is in recovery (a standby)" }
    }

    /// The pool a write was running on was replaced by a new primary's while it waited.
    struct PoolMoved: Error, CustomStringConvertible {
        var description: String { "the store moved to another server while the write waited" }
    }

    /// Runs a write on the current pool. When it fails because the server is gone or is no longer
    /// the primary, waits for the primary to be found (at most `failoverWindow`) and throws
    /// `StoreUnavailable`: the write may or may not have been committed, and the caller retries it
    /// (as `retried`, so nothing is stored twice).
    ///
    /// A write queued on a pool whose server died is not always failed by that pool, so it is
    /// abandoned when the pool is replaced, or after `writeLimit`. That is safe: an abandoned write
    /// that commits after all is found by the retry (same event ids, under the append lock), and
    /// one that would commit after the retry fails on the ids' uniqueness.
    func writing<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let (client, generation) = pool.withLock { ($0.client, $0.generation) }
        do {
            let outcome = FirstOutcome<T>()
            let started = ContinuousClock.now
            let watch = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    guard let self else { return }
                    if pool.withLock({ $0.generation }) != generation {
                        outcome.settle(.failure(PoolMoved()))
                    } else if ContinuousClock.now - started > writeLimit {
                        outcome.settle(.failure(DeadlinePassed(what: "a write to \(location)", limit: writeLimit)))
                    }
                }
            }
            defer { watch.cancel() }
            outcome.settle(running: { try await body(client) })
            return try await outcome.value()
        } catch {
            guard Self.isFailover(error) else { throw error }
            await relocate(from: generation, after: error).value
            throw StoreUnavailable(cause: error)
        }
    }

    /// Starts finding the primary, unless a search is under way (then that one is returned) or the
    /// pool has moved on since `generation` (then there is nothing to do).
    @discardableResult
    func relocate(from generation: Int, after error: any Error) -> Task<Void, Never> {
        relocation.withLock { current in
            if let current { return current }
            guard pool.withLock({ $0.generation }) == generation else { return Task {} }
            // Detached, like the pool it makes (see `makePool`): the search belongs to the store,
            // not to the task that happened to notice the failover first.
            let search = Task.detached {
                await self.findPrimary(from: generation, after: error)
                self.relocation.withLock { $0 = nil }
            }
            current = search
            return search
        }
    }

    /// Asks the endpoints every 250 ms until one suits, then swaps pools. A pool whose only fault
    /// was slowness (a deadline) is kept when the same endpoint is still the primary: a busy
    /// server is not a failover.
    private func findPrimary(from generation: Int, after error: any Error) async {
        let started = ContinuousClock.now
        logger.warning("store connection lost, finding the primary", metadata: ["error": "\(error)"])
        while !Task.isCancelled {
            do {
                let endpoint = try await PrimaryLocator.locate(at, logger: logger)
                let old = pool.withLock { p -> Pool? in
                    guard p.generation == generation else { return nil }
                    if endpoint == p.endpoint, error is DeadlinePassed { return nil }
                    let old = p
                    p = Self.makePool(at, endpoint: endpoint, generation: generation + 1, maxConnections: maxConnections, logger: logger)
                    return old
                }
                if let old {
                    logger.warning(
                        "store primary changed",
                        metadata: [
                            "from": "\(at.endpoints[old.endpoint].description)", "to": "\(at.endpoints[endpoint].description)",
                            "after": "\(ContinuousClock.now - started)",
                        ])
                    // What still waits on the old pool fails now (its callers try again on the new
                    // one); the pool itself is shut once what it runs has had a moment to finish.
                    old.retirement.retire()
                    Task {
                        try? await Task.sleep(for: .seconds(2))
                        old.runner.cancel()
                    }
                }
                return
            } catch {
                guard ContinuousClock.now - started < failoverWindow else {
                    logger.error("no primary found", metadata: ["within": "\(failoverWindow)", "error": "\(error)"])
                    return
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Watches the pool's server every 2 s, so a primary that dies (or is demoted) while the hub
    /// is idle is replaced before the next write needs it; only for a URL listing several servers
    /// or asking for a writable one.
    func startWatchdog() {
        guard at.endpoints.count > 1 || at.targetSessionAttrs != .any else { return }
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                guard let self, !Task.isCancelled else { return }
                let (client, generation, endpoint) = pool.withLock { ($0.client, $0.generation, $0.endpoint) }
                let logger = self.logger
                do {
                    let inRecovery = try await Deadline.within(.seconds(5), what: "checking the primary") {
                        var answer = false
                        for try await r in try await client.query("SELECT pg_is_in_recovery()", logger: logger).decode(Bool.self) {
                            answer = r
                        }
                        return answer
                    }
                    if inRecovery, at.targetSessionAttrs != .any {
                        await relocate(from: generation, after: NotPrimary(endpoint: at.endpoints[endpoint].description)).value
                    }
                } catch {
                    if Self.isFailover(error) { await relocate(from: generation, after: error).value }
                }
            }
        }
        watchdog.withLock { $0 = task }
    }

    /// The part of a retried batch the store does not hold yet. A batch is committed whole, so an
    /// event found by id means its transaction landed: its raw record is there too.
    static func unstored(
        _ db: PostgresConnection, _ batch: IngestBatch, bodies: [String], _ logger: Logger
    ) async throws -> (IngestBatch, [String]) {
        let known = try await strings(db, "SELECT id FROM events WHERE id = ANY(\(batch.events.map(\.id)))", logger)
        guard !known.isEmpty else { return (batch, bodies) }
        var fresh = IngestBatch(files: batch.files)
        var freshBodies: [String] = []
        var storedRaw = Set<String>()
        for (e, body) in zip(batch.events, bodies) {
            if known.contains(e.id) {
                storedRaw.insert(e.raw.sha256)
            } else {
                fresh.events.append(e)
                freshBodies.append(body)
            }
        }
        fresh.records = batch.records.filter { !storedRaw.contains($0.sha256) }
        logger.info("retried batch partly stored already", metadata: ["kept": "\(known.count)", "added": "\(fresh.events.count)"])
        return (fresh, freshBodies)
    }
}
#endif

#if PostgreSQL
/// Whichever of several racers settles first: its result is the value, the others are ignored.
final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }
    private let state = Mutex(State())

    func settle(_ result: Result<T, any Error>) {
        let waiter = state.withLock { s -> CheckedContinuation<T, any Error>? in
            guard s.result == nil else { return nil }
            s.result = result
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(with: result)
    }

    /// Runs `body` in a task of its own, which settles with its result or error; the task, to cancel.
    @discardableResult
    func settle(running body: @escaping @Sendable () async throws -> T) -> Task<Void, Never> {
        Task {
            do {
                settle(.success(try await body()))
            } catch {
                settle(.failure(error))
            }
        }
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { c in
            let settled = state.withLock { s -> Result<T, any Error>? in
                if let r = s.result { return r }
                s.waiter = c
                return nil
            }
            if let settled { c.resume(with: settled) }
        }
    }
}
#endif
