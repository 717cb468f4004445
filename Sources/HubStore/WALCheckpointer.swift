import Dispatch
import Foundation
import GRDB
import Synchronization

/// Copies an SQLite store's write-ahead log back into the database file on a connection of its
/// own, in the background, so that commits do not wait for it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages by
/// default): that commit also writes the log's pages into the database file and syncs it. In a
/// store of a gigabyte or more this made about one commit in a hundred take 8–12 ms instead of about
/// one (the `fsync` itself takes 0.2–0.4 ms on the same disk), and every device batch, ack and alarm
/// in that group commit waited for it. A PASSIVE checkpoint needs no write lock, so the copying runs
/// here beside the writer. SQLite starts the log over only once all of it is copied, which a
/// checkpoint beside a busy writer never sees (the writer appends while it copies); so once the log
/// passes `restartPages`, the last few pages are copied on the writer's own connection, between two
/// commits, and the next commit starts the log over. The writer's automatic checkpoint stays, at
/// `inlinePages`, as the bound if this falls behind.
final class WALCheckpointer: Sendable {
    /// Log size, in pages, past which the committing connection checkpoints itself, as before.
    static let inlinePages = 10_000
    /// Log size, in pages, past which the background copy is finished on the writer.
    static let restartPages = 1_000
    /// Shortest time between two background checkpoints: commits in between are folded into one.
    static let interval: DispatchTimeInterval = .milliseconds(50)

    private let path: String
    private let finish: @Sendable () -> Void
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let scheduled = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let runs = Atomic<Int>(0)
    private let restarts = Atomic<Int>(0)
    private let work = DispatchQueue(label: "niihub.sqlite.checkpoint", qos: .utility)

    /// A checkpointer for the store at `path`; `finish` checkpoints on the store's writer (between
    /// two of its transactions), which lets its next commit start the log over.
    init(path: String, finish: @escaping @Sendable () -> Void) {
        self.path = path
        self.finish = finish
    }

    /// Background checkpoints run so far, and how many of them were finished on the writer.
    var checkpoints: (background: Int, finishedOnWriter: Int) {
        (runs.load(ordering: .relaxed), restarts.load(ordering: .relaxed))
    }

    /// A transaction was committed: a checkpoint follows shortly, unless one is already due.
    func committed() {
        guard scheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        work.asyncAfter(deadline: .now() + Self.interval) { [weak self] in
            guard let self, !stopped.load(ordering: .acquiring) else { return }
            // Cleared before the checkpoint, so a commit made while it runs schedules the next one.
            scheduled.store(false, ordering: .releasing)
            checkpoint()
        }
    }

    /// The store is closing: waits for a checkpoint under way and closes this connection before the
    /// store's own, so the file is released when the store is (a tool opening it next is not met by
    /// a lock) and the last connection to close is still the store's.
    func stop() {
        stopped.store(true, ordering: .releasing)
        work.sync { connection.withLock { $0 = nil } }
    }

    private func checkpoint() {
        // A failure (the file gone, a lock held by a backup) leaves the log to the next checkpoint
        // or to the writer's own: nothing is lost, the log only stays longer.
        let log: Int? = try? connection.withLock { c in
            if c == nil {
                var config = Configuration()
                config.label = "checkpoint"
                c = try DatabaseQueue(path: path, configuration: config)
            }
            return try c?.writeWithoutTransaction { db in try db.checkpoint(.passive).walFrameCount }
        }
        runs.add(1, ordering: .relaxed)
        if let log, log >= Self.restartPages {
            finish()
            restarts.add(1, ordering: .relaxed)
        }
    }
}
