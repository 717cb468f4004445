import Foundation
import HubModel
import HubStore
import Logging
import ServiceLifecycle
import Synchronization

/// Feeds the correlation stages from the store, in store order, while this hub holds the
/// correlation lease: on a store several hubs share, events stored by any of them (a device may
/// connect to any) reach the one hub that correlates. It reads what follows its position when told
/// something was stored here (`wake`) and at least every `poll` for what the others stored.
///
/// Taking over, it starts at the store's newest position: the stages rebuild what came before from
/// the store, as after a restart. Risk, which only recomputes (the same inputs give the same
/// assessment, stored once), is also given what the previous owner had not handed on yet, from the
/// position kept in the store (`cursor`), so a change that came while no hub held the lease is
/// assessed too.
public final class StoreTail: Service, Sendable {
    /// A stage the tail feeds: how far behind it is, and how it takes events.
    public struct Feed: Sendable {
        public var meter: StageMeter
        public var take: @Sendable ([InspectionEvent]) -> Void
        /// Fed also what the previous owner had not handed on (it only recomputes).
        public var catchesUp: Bool

        public init(meter: StageMeter, catchesUp: Bool = false, take: @escaping @Sendable ([InspectionEvent]) -> Void) {
            self.meter = meter
            self.take = take
            self.catchesUp = catchesUp
        }
    }

    /// The position is kept in the store under this name (with the site, one per site).
    public static let cursorName = "correlation-tail"
    public typealias Store = ForwardingStore & StoreHead & FeedCursorStore
    private let store: any Store
    private let leases: LeaseService
    private let lease: String
    private let cursor: String
    private let feeds: [Feed]
    /// Which events are this hub's to correlate (not those a gate forwarded: it correlated them).
    private let mine: @Sendable (InspectionEvent) -> Bool
    private let poll: Duration
    private let page: Int
    private let logger: Logger
    private let wakeInput = Mutex<AsyncStream<Void>.Continuation?>(nil)
    /// The position handed on, for `/metrics` and tests.
    private let position = Atomic<Int64>(0)

    public init(
        store: any Store, leases: LeaseService, lease: String, cursor: String, feeds: [Feed], poll: Duration = .milliseconds(250),
        page: Int = 500, logger: Logger, mine: @escaping @Sendable (InspectionEvent) -> Bool
    ) {
        self.store = store
        self.leases = leases
        self.lease = lease
        self.cursor = cursor
        self.feeds = feeds
        self.mine = mine
        self.poll = poll
        self.page = page
        self.logger = logger
    }

    /// Something was stored here: read on now rather than at the next poll.
    public func wake() { wakeInput.withLock { $0 }?.yield() }

    /// The store position handed on to the stages so far.
    public var handedOn: Int64 { position.load(ordering: .relaxed) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.leases.whileHeld(self.lease) { _ in await self.follow() }
        }
    }

    /// One tenure: from the head on, until cancelled.
    private func follow() async {
        let (wakes, input) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeInput.withLock { $0 = input }
        defer { wakeInput.withLock { $0 = nil } }
        var cursor: Int64
        do {
            cursor = try await store.headSeq()
            let kept = try await store.feedCursor(self.cursor).flatMap { Int64($0) } ?? cursor
            if kept < cursor { await catchUp(from: kept, to: cursor) }
        } catch {
            logger.error("could not find where to follow the store from", metadata: ["error": "\(error)"])
            return
        }
        position.store(cursor, ordering: .relaxed)
        logger.notice("following the store for correlation", metadata: ["from": "\(cursor)"])
        var saved = ContinuousClock.now
        // A timer wakes the reader too, for what other hubs store.
        let ticker = Task { [poll] in
            while !Task.isCancelled {
                try? await Task.sleep(for: poll)
                input.yield()
            }
        }
        defer { ticker.cancel() }
        for await _ in wakes {
            while !Task.isCancelled, let last = await handOn(after: cursor, to: feeds) {
                cursor = last
                position.store(cursor, ordering: .relaxed)
            }
            if ContinuousClock.now - saved > .seconds(1) {
                try? await store.setFeedCursor(self.cursor, String(cursor))
                saved = .now
            }
        }
        try? await store.setFeedCursor(self.cursor, String(cursor))
    }

    /// Gives the stages that only recompute what lies between the previous owner's position and the head.
    private func catchUp(from kept: Int64, to head: Int64) async {
        let catching = feeds.filter(\.catchesUp)
        guard !catching.isEmpty else { return }
        var at = kept
        while at < head, !Task.isCancelled, let last = await handOn(after: at, to: catching, through: head) { at = last }
        logger.notice("caught up with what no hub had correlated", metadata: ["from": "\(kept)", "to": "\(head)"])
    }

    /// Reads the next page after `seq` (at most through `limit`) and hands this hub's events of it
    /// to `feeds`, waiting while a stage is behind; the last position read, or nil when none was.
    private func handOn(after seq: Int64, to feeds: [Feed], through limit: Int64 = .max) async -> Int64? {
        let rows: [StoredEvent]
        do {
            rows = try await store.storedEvents(after: seq, limit: page).filter { $0.seq <= limit }
        } catch {
            logger.warning("could not read the store to correlate", metadata: ["after": "\(seq)", "error": "\(error)"])
            return nil
        }
        guard let last = rows.last?.seq else { return nil }
        let decoder = JSONDecoder()
        let events = rows.compactMap { try? decoder.decode(InspectionEvent.self, from: Data($0.body.utf8)) }.filter(mine)
        if !events.isEmpty {
            for feed in feeds {
                if feed.meter.isBehind { await feed.meter.waitUntilCaughtUp(atMost: .seconds(60)) }
                feed.take(events)
            }
        }
        return last
    }
}
