import Foundation
import HubModel
import HubStore
import Logging
import ServiceLifecycle
import Synchronization

/// Holds this hub's leases on a store shared by several hubs (`LeaseGranting`): it tries to take
/// each named lease, renews the ones it holds every `ttl / 5`, and tells whoever watches a lease
/// when it is taken or lost. A lease whose renewal has not come back within `ttl` of being asked
/// for is taken for lost here, before the store can give it to another: the store counts `ttl`
/// from the renewal's arrival, which is later. At graceful shutdown (it stops after the stages
/// that use it) the leases are given back, so another hub takes over at once.
public final class LeaseService: Service, Sendable {
    /// This hub among those sharing the store (`store.replica`, `host:pid` by default).
    public let owner: String
    public let names: [String]
    public let ttl: Duration
    private let store: any LeaseGranting
    private let logger: Logger
    private struct Held {
        var fence: Fence
        var until: ContinuousClock.Instant
    }
    private struct State {
        var held: [String: Held] = [:]
        var watchers: [String: [UUID: AsyncStream<Fence?>.Continuation]] = [:]
    }
    private let state = Mutex(State())

    public init(store: any LeaseGranting, owner: String, names: [String], ttl: Duration = .seconds(15), logger: Logger) {
        self.store = store
        self.owner = owner
        self.names = names
        self.ttl = ttl
        self.logger = logger
    }

    /// The lease's fence while this hub holds it.
    public func fence(_ name: String) -> Fence? { state.withLock { $0.held[name]?.fence } }

    /// The lease's holder over time as seen here: its fence while held, nil while not; the current
    /// value first. Ends when the watching task is cancelled.
    public func changes(_ name: String) -> AsyncStream<Fence?> {
        let (stream, input) = AsyncStream.makeStream(of: Fence?.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLock { s in
            input.yield(s.held[name]?.fence)
            s.watchers[name, default: [:]][id] = input
        }
        input.onTermination = { [weak self] _ in
            self?.state.withLock { s in
                _ = s.watchers[name]?.removeValue(forKey: id)
            }
        }
        return stream
    }

    /// Suspends until this hub holds `name` (or the task is cancelled: nil).
    public func acquired(_ name: String) async -> Fence? {
        for await f in changes(name) where f != nil { return f }
        return nil
    }

    /// Runs `work` each time this hub takes `name`, cancelling it as soon as the lease is lost,
    /// until the calling task is cancelled.
    public func whileHeld(_ name: String, _ work: @escaping @Sendable (Fence) async -> Void) async {
        while !Task.isCancelled {
            guard let fence = await acquired(name) else { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await work(fence) }
                group.addTask {
                    for await f in self.changes(name) where f != fence { return }
                }
                _ = await group.next()
                group.cancelAll()
            }
        }
    }

    public func run() async throws {
        let every = ttl / 5
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // Renewals may hang (a failover); a lease past its time is dropped all the same.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(200))
                        self.expire(now: .now)
                    }
                }
                while !Task.isCancelled {
                    for name in self.names { await self.renew(name) }
                    try? await Task.sleep(for: every)
                }
                group.cancelAll()
            }
        }
        for name in names where fence(name) != nil {
            set(name, nil)
            do {
                try await store.release(name, owner: owner)
            } catch {
                logger.warning("could not give a lease back; another hub takes it when it expires", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }
        state.withLock { s in
            for w in s.watchers.values.flatMap(\.values) { w.finish() }
        }
    }

    private func renew(_ name: String) async {
        let asked = ContinuousClock.now
        do {
            if let epoch = try await store.acquireOrRenew(name, owner: owner, ttl: ttl) {
                set(name, Held(fence: Fence(lease: name, owner: owner, epoch: epoch), until: asked + ttl))
            } else {
                set(name, nil)
            }
        } catch {
            // Kept until its time runs out: the store may only be failing over.
            logger.warning("could not renew a lease", metadata: ["lease": "\(name)", "error": "\(error)"])
        }
    }

    private func expire(now: ContinuousClock.Instant) {
        for name in names {
            if let h = state.withLock({ $0.held[name] }), h.until <= now { set(name, nil) }
        }
    }

    private func set(_ name: String, _ new: Held?) {
        let (changed, old, watchers) = state.withLock { s in
            let old = s.held[name]?.fence
            s.held[name] = new
            return (old != new?.fence, old, Array(s.watchers[name, default: [:]].values))
        }
        guard changed else { return }
        if let f = new?.fence {
            logger.notice("lease taken", metadata: ["lease": "\(name)", "owner": "\(owner)", "epoch": "\(f.epoch)"])
        } else if let old {
            logger.notice("lease lost", metadata: ["lease": "\(name)", "owner": "\(owner)", "epoch": "\(old.epoch)"])
        }
        for w in watchers { w.yield(new?.fence) }
    }
}
