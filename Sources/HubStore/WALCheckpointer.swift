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
    /// A page changed by several commits in that time is copied once, so under load a longer wait
    /// copies less: with 10,000 seals reporting, 250 ms instead of 50 ms cut what the hub read per
    /// message from 16.2 to 12.5 KB and what it wrote from 31.6 to 27.7 KB. Longer would let the log
    /// pass the writer's own bound (`inlinePages`) at that rate (about 13 KB of log per message).
    static let interval: DispatchTimeInterval = .milliseconds(250)
    /// Rows (events and raw records) appended since the last checkpoint before the next is worth
    /// its `fsync` of the database file: in a large store a few thousand pages of log (each row
    /// touches index pages all over the file), in a small one a hundred. A quiet hub, or a test's
    /// small store, then does not sync its file after every burst of commits (a fresh-clone test
    /// run with dozens of hubs at once was slowed to a halt by that).
    static let rowsPerCheckpoint = 256

    private let path: String
    private let finish: @Sendable () -> Void
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let scheduled = Atomic<Bool>(false)
    private let rowsSince = Atomic<Int>(0)
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

    /// Rows committed since the last background checkpoint was scheduled, and whether one is due.
    var backlog: (rows: Int, scheduled: Bool) {
        (rowsSince.load(ordering: .relaxed), scheduled.load(ordering: .relaxed))
    }

    /// Background checkpoints run so far, and how many of them were finished on the writer.
    var checkpoints: (background: Int, finishedOnWriter: Int) {
        (runs.load(ordering: .relaxed), restarts.load(ordering: .relaxed))
    }

    /// A transaction of `rows` rows was committed: once enough have come since the last checkpoint,
    /// one follows shortly, unless one is already due.
    func committed(rows: Int) {
        guard rowsSince.add(rows, ordering: .relaxed).newValue >= Self.rowsPerCheckpoint,
            scheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        rowsSince.store(0, ordering: .relaxed)
        work.asyncAfter(deadline: .now() + Self.interval) { [weak self] in
            guard let self, !stopped.load(ordering: .acquiring) else { return }
            // Cleared before the checkpoint, so a commit made while it runs schedules the next one.
            scheduled.store(false, ordering: .releasing)
            checkpoint()
        }
    }

    /// The store is closing: no checkpoint starts any more, and this connection is closed once one
    /// under way ends. Never waits: a store may be freed on any thread, an event loop's included.
    func stop() {
        stopped.store(true, ordering: .releasing)
        work.async { [self] in connection.withLock { $0 = nil } }
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
