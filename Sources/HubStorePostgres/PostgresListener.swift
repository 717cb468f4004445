#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import PostgresNIO
import Synchronization

/// Hears what the other replicas sharing the database store: one dedicated connection (not from
/// the pool, which may close its connections at will, dropping a LISTEN) on both notice channels.
/// When the connection fails it reconnects with backoff, to wherever `connect` says the primary is
/// then, and catches up: the events stored since the last notice it heard are reported as one
/// range, so a reconnect (or a failover) loses no alarm. It pings the server too: a connection whose
/// server stopped answering (a link cut without a reset, a stalled host) would otherwise be waited on
/// for as long as TCP takes to give up, minutes in which no alarm is heard.
public final class PostgresListener: StoreNoticeSource {
    public let replica: String
    private let connect: @Sendable () async throws -> PostgresConnection.Configuration
    private let logger: Logger
    private let backoff: (first: Duration, most: Duration)
    private let health: (every: Duration, within: Duration)
    private let listening = Atomic<Bool>(false)

    public var isListening: Bool { listening.load(ordering: .relaxed) }

    /// `replica` is this hub's name in the notices (its store's `replica`); `connect` gives the
    /// server to listen on at each (re)connection. The server is pinged `health.every`; a connection
    /// that answered nothing for `health.within` is closed and made anew.
    public init(
        replica: String, logger: Logger, backoff: (first: Duration, most: Duration) = (.milliseconds(200), .seconds(5)),
        health: (every: Duration, within: Duration) = (.seconds(10), .seconds(30)),
        connect: @escaping @Sendable () async throws -> PostgresConnection.Configuration
    ) {
        self.replica = replica
        self.connect = connect
        self.logger = logger
        self.backoff = backoff
        self.health = health
    }

    /// A listener for `store`'s replica on the server its pool uses (it follows a failover).
    public convenience init(store: PostgresEventStore, at: PostgresLocation, logger: Logger) {
        self.init(replica: store.replica, logger: logger) { try store.listenerConfiguration() }
    }

    public func run(_ handle: @escaping @Sendable (StoreNotice) async -> Void) async {
        // The newest seq the notices (or a catch-up) have covered; nil before the first connection.
        var covered: Int64?
        var wait = backoff.first
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try await connect(), id: attempt, logger: logger)
                do {
                    try await listen(connection, covered: &covered, listening: { wait = self.backoff.first }, handle)
                } catch {
                    listening.store(false, ordering: .relaxed)
                    try? await connection.close()
                    throw error
                }
                listening.store(false, ordering: .relaxed)
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("listening for other replicas' notices failed; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: wait)
            wait = min(wait * 2, backoff.most)
        }
    }

    /// Listens on both channels until the connection fails or the task is cancelled.
    private func listen(
        _ db: PostgresConnection, covered: inout Int64?, listening: () -> Void, _ handle: @escaping @Sendable (StoreNotice) async -> Void
    ) async throws {
        try await db.listen(on: PostgresNotify.eventsChannel) { events in
            try await db.listen(on: PostgresNotify.liveChannel) { live in
                let (merged, sink) = AsyncThrowingStream.makeStream(of: StoreNotice?.self)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await n in events { sink.yield(StoreNotice(eventsPayload: n.payload)) }
                            sink.finish(throwing: ListenEnded())
                        } catch { sink.finish(throwing: error) }
                    }
                    group.addTask {
                        do {
                            for try await n in live { sink.yield(StoreNotice(livePayload: n.payload)) }
                            sink.finish(throwing: ListenEnded())
                        } catch { sink.finish(throwing: error) }
                    }
                    let heartbeat = Heartbeat()
                    group.addTask { [health = self.health, logger = self.logger] in
                        while true {
                            try await Task.sleep(for: health.every)
                            try await db.query("SELECT 1", logger: logger)
                            heartbeat.beat()
                        }
                    }
                    group.addTask { [health = self.health] in
                        while true {
                            try await Task.sleep(for: health.every)
                            guard heartbeat.silence > health.within else { continue }
                            // Closing fails the unanswered ping and both notice streams at once.
                            sink.finish(throwing: Unanswered(within: health.within))
                            try? await db.close()
                            throw Unanswered(within: health.within)
                        }
                    }
                    // Both LISTENs are in force: whatever commits from now on is heard, so the head
                    // read now closes the gap since the last connection.
                    let head = try await PostgresEventStore.head(db, .events, logger)?.seq ?? 0
                    if let last = covered, head > last { await handle(.events(replica: nil, seqs: (last + 1)...head)) }
                    covered = max(covered ?? head, head)
                    listening()
                    self.listening.store(true, ordering: .relaxed)
                    for try await notice in merged {
                        guard let notice else {
                            logger.debug("ignored a notice that is not one of ours")
                            continue
                        }
                        if case .events(_, let seqs) = notice { covered = max(covered ?? seqs.upperBound, seqs.upperBound) }
                        await handle(notice)
                    }
                    group.cancelAll()
                }
            }
        }
    }

    /// When the listening connection last answered.
    final class Heartbeat: Sendable {
        private let at = Mutex(ContinuousClock.now)
        func beat() { at.withLock { $0 = .now } }
        /// How long since it last answered.
        var silence: Duration { ContinuousClock.now - at.withLock { $0 } }
    }

    /// The server answered no ping for `within`.
    struct Unanswered: Error, CustomStringConvertible {
        var within: Duration
        var description: String { "the server answered no ping within \(within)" }
    }

    /// The server ended a notice stream without an error.
    struct ListenEnded: Error, CustomStringConvertible {
        var description: String { "the server ended the notice stream" }
    }
}
#endif
