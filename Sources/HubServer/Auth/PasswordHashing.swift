import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where password hashes are computed: each one is hundreds of milliseconds of CPU (PBKDF2 at
/// `Secrets.passwordRounds`), so they run on threads of their own, at a lower CPU priority, and
/// never on Swift's cooperative pool, whose few threads carry every device's acks. At most
/// `limit` run at once and at most `maxWaiting` more wait their turn in order, no more than
/// `maxWaitingPerAddress` of them from one client address; beyond that a login is refused as busy
/// at once. A burst of guesses so costs a bounded queue, not unbounded memory, connections and
/// minutes of waiting, and one address cannot fill the queue: a real user's login waits its turn
/// behind at most one or two from each guessing address.
public final class PasswordHashing: Sendable {
    /// The queue is full: try again later (`AuthService` answers 503 with Retry-After).
    public struct Busy: Error {}

    /// Hashes computed at once, at most.
    public let limit: Int
    /// Hashes that may wait for a free slot, beyond which `run(mayRefuse: true)` refuses.
    public let maxWaiting: Int
    /// Of those, at most this many from one client address: a person logs in once at a time
    /// (twice for a double click), so more at once from one address is a script.
    public static let maxWaitingPerAddress = 2
    private let pool: NIOThreadPool

    private struct State {
        /// Slots taken (a hash handed to the pool or about to be).
        var taken = 0
        var waiters: [(address: String?, continuation: CheckedContinuation<Void, any Error>)] = []
        var waitingFrom: [String: Int] = [:]
        /// Hashes executing on a pool thread right now, and the most there ever were.
        var computing = 0
        var peakComputing = 0
        var refused = 0
    }
    private let state = Mutex(State())

    /// The hashing threads every hub in the process shares: one per core, the most any `limit`
    /// can use. Started once and never stopped, like NIO's own singletons.
    public static let sharedPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    /// Half the cores (at least one): the other half stays free for the devices, whatever the guessing.
    public static var defaultLimit: Int { max(1, System.coreCount / 2) }

    /// `pool` runs the hashes (tests give their own, to stop it afterwards).
    public init(limit: Int = PasswordHashing.defaultLimit, maxWaiting: Int = 64, pool: NIOThreadPool = PasswordHashing.sharedPool) {
        precondition(limit >= 1 && maxWaiting >= 0)
        self.limit = limit
        self.maxWaiting = maxWaiting
        self.pool = pool
    }

    /// Runs `work` on a hashing thread once a slot is free. With `mayRefuse`, throws `Busy` at
    /// once when `maxWaiting` others already wait, or `maxWaitingPerAddress` from `address`;
    /// without it (an admin adding a user), waits whatever the queue.
    public func run<T: Sendable>(
        mayRefuse: Bool = true, from address: String? = nil, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await acquire(mayRefuse: mayRefuse, address: address)
        defer { release() }
        return try await pool.runIfActive { try self.compute(work) }
    }

    /// On a pool thread: the work, counted while it runs.
    private func compute<T>(_ work: () throws -> T) rethrows -> T {
        Self.lowerThreadPriority()
        state.withLock {
            $0.computing += 1
            $0.peakComputing = max($0.peakComputing, $0.computing)
        }
        defer { state.withLock { $0.computing -= 1 } }
        return try work()
    }

    /// What the hashing is doing: for tests and metrics.
    public struct Counts: Sendable, Equatable {
        /// Executing on a thread right now.
        public var computing: Int
        /// The most ever executing at once.
        public var peakComputing: Int
        /// Waiting for a slot.
        public var waiting: Int
        /// Refused as busy so far.
        public var refused: Int

        public init(computing: Int, peakComputing: Int, waiting: Int, refused: Int) {
            (self.computing, self.peakComputing, self.waiting, self.refused) = (computing, peakComputing, waiting, refused)
        }
    }

    public var counts: Counts {
        state.withLock { Counts(computing: $0.computing, peakComputing: $0.peakComputing, waiting: $0.waiters.count, refused: $0.refused) }
    }

    private func acquire(mayRefuse: Bool, address: String?) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            // Decided and queued under one lock, so a release cannot slip between the two.
            state.withLock { s in
                if s.taken < limit {
                    s.taken += 1
                    c.resume()
                } else if !mayRefuse
                    || (s.waiters.count < maxWaiting
                        && address.map { s.waitingFrom[$0, default: 0] < Self.maxWaitingPerAddress } ?? true)
                {
                    s.waiters.append((address, c))
                    if let address { s.waitingFrom[address, default: 0] += 1 }
                } else {
                    s.refused += 1
                    c.resume(throwing: Busy())
                }
            }
        }
    }

    /// Hands the slot to the longest waiter, else frees it.
    private func release() {
        state.withLock { s in
            if s.waiters.isEmpty {
                s.taken -= 1
            } else {
                let next = s.waiters.removeFirst()
                if let a = next.address {
                    s.waitingFrom[a] = s.waitingFrom[a]! > 1 ? s.waitingFrom[a]! - 1 : nil
                }
                next.continuation.resume()
            }
        }
    }

    /// Nice 10 for the calling thread (Linux keeps a nice value per thread): when the CPU is short,
    /// the scheduler gives device acks the time and makes a login wait.
    private static func lowerThreadPriority() {
        #if os(Linux)
        // `who` 0 is the calling thread on Linux, not the whole process.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }
}
