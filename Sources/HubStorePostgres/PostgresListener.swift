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
/// range, so a reconnect (or a failover) loses no alarm.
public final class PostgresListener: StoreNoticeSource {
    public let replica: String
    private let connect: @Sendable () async throws -> PostgresConnection.Configuration
    private let logger: Logger
    private let backoff: (first: Duration, most: Duration)
    private let listening = Atomic<Bool>(false)

    public var isListening: Bool { listening.load(ordering: .relaxed) }

    /// `replica` is this hub's name in the notices (its store's `replica`); `connect` gives the
    /// server to listen on at each (re)connection.
    public init(
        replica: String, logger: Logger, backoff: (first: Duration, most: Duration) = (.milliseconds(200), .seconds(5)),
        connect: @escaping @Sendable () async throws -> PostgresConnection.Configuration
    ) {
        self.replica = replica
        self.connect = connect
        self.logger = logger
        self.backoff = backoff
    }

    /// A listener for `store`'s replica on its own server.
    public convenience init(store: PostgresEventStore, at: PostgresLocation, logger: Logger) {
        self.init(replica: store.replica, logger: logger) { try PostgresEventStore.connectionConfiguration(at) }
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

    /// The server ended a notice stream without an error.
    struct ListenEnded: Error, CustomStringConvertible {
        var description: String { "the server ended the notice stream" }
    }
}
#endif
