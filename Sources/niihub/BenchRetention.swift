import ArgumentParser
import Foundation
import HubModel
import HubStore
import Synchronization

/// Ingest with and without a retention purge running beside it, on a real SQLite file.
struct BenchRetention: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-retention",
        abstract: "Measure ingest (events/s, append latency) alone and during a purge of old events; then verify.",
        discussion: """
            Fills a fresh store with --old events (each with its raw record) received 400 days ago, \
            measures appending fresh batches for --seconds, then appends again while a retention purge \
            (default 1y, so every old event goes) deletes them in --batch rows per transaction with \
            --pause-ms between batches, until the purge ends. Finishes with a full verify of the chain.
            """)

    @Option(name: .long, help: "Old events to purge.")
    var old: Int = 1_000_000

    @Option(name: .long, help: "Seconds of ingest measured without a purge.")
    var seconds: Double = 20

    @Option(name: .long, help: "Events (and raw records) per ingest append.")
    var batchEvents: Int = 20

    @Option(name: .long, help: "Rows per purge transaction.")
    var batch: Int = 500

    @Option(name: .long, help: "Milliseconds between purge batches.")
    var pauseMs: Double = 50

    @Option(name: .long, help: "Store file (default: a new file in the temporary folder, removed afterwards).")
    var store: String?

    func run() async throws {
        let path = store ?? NSTemporaryDirectory() + "niihub-bench-retention-\(getpid()).sqlite"
        defer { if store == nil { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } } }
        let db = try SQLiteEventStore(path: path)
        let ids = EventIDGenerator()
        let longAgo = Date().addingTimeInterval(-400 * 86_400)
        var clock = ContinuousClock.now
        var made = 0
        while made < old {
            let n = min(5000, old - made)
            try await db.append(Self.batch(n, from: made, at: longAgo, ids: ids))
            made += n
        }
        Self.say("filled \(old) old events + raw records in " + String(format: "%.1f s", Self.since(clock)))

        clock = ContinuousClock.now
        let before = try await db.verify()
        let verifySeconds = Self.since(clock)
        let verified = before.tables.reduce(0) { $0 + $1.rows }
        Self.say("verify before purge: \(verified) rows in " + String(format: "%.2f s (%.0f rows/s)", verifySeconds, Double(verified) / verifySeconds)
              + ", intact: \(before.intact)")

        let alone = try await Self.ingest(db, ids: ids, perAppend: batchEvents, numbering: old, until: { Self.since($0) >= seconds })
        Self.say("ingest alone:        \(alone)")

        let policy = RetentionPolicy(defaultAge: RetentionAge("1y"), batchRows: batch, pauseSeconds: pauseMs / 1000)
        let purgeDone = OneWaySwitch()
        let perAppend = batchEvents
        let purgeStart = ContinuousClock.now
        let timed = TimedRetentionStore(db)
        let purge = Task { try await RetentionPurger(store: timed, policy: policy).purge(now: Date()) }
        let during = Task {
            try await Self.ingest(db, ids: ids, perAppend: perAppend, numbering: 2 * old + 10_000_000, until: { _ in purgeDone.isSet })
        }
        let runs = try await purge.value
        let purgeSeconds = Self.since(purgeStart)
        purgeDone.set()
        let measured = try await during.value
        let purged = runs.reduce(0) { $0 + $1.rows }
        Self.say("purge: \(purged) rows in " + String(format: "%.1f s (%.0f rows/s)", purgeSeconds, Double(purged) / purgeSeconds)
              + ", \(runs.reduce(0) { $0 + $1.batches }) batches; " + timed.summary)
        Self.say("ingest during purge: \(measured)")

        clock = ContinuousClock.now
        let after = try await db.verify()
        let rows = after.tables.reduce(0) { $0 + $1.rows }
        Self.say("verify after purge: \(rows) rows, \(after.tables.reduce(Int64(0)) { $0 + $1.purgedRows }) purged rows bridged, in "
              + String(format: "%.2f s", Self.since(clock)) + ", intact: \(after.intact)")
        if !after.intact { throw ExitCode(1) }
    }

    /// Appends fresh batches back to back until `until` says stop; latency is per append (one transaction).
    static func ingest(
        _ db: SQLiteEventStore, ids: EventIDGenerator, perAppend: Int, numbering first: Int,
        until: (ContinuousClock.Instant) -> Bool
    ) async throws -> IngestFigures {
        let start = ContinuousClock.now
        var latencies: [Double] = []
        var n = 0
        while !until(start) {
            // Numbered apart from the old events, so no fresh event points at an old record.
            let b = batch(perAppend, from: first + n, at: Date(), ids: ids)
            let t = ContinuousClock.now
            try await db.append(b)
            latencies.append(since(t))
            n += perAppend
        }
        return IngestFigures(events: n, seconds: since(start), latencies: latencies)
    }

    static func batch(_ n: Int, from: Int, at: Date, ids: EventIDGenerator) -> IngestBatch {
        var b = IngestBatch()
        for i in from..<(from + n) {
            let bytes = Array("GB,000\(i % 97),000\(i % 89),000\(i % 83),000\(i % 79)\r\n".utf8)
            let kind = i % 3 == 0 ? EventKind.deviceStatus : EventKind.radiationBackground
            let r = RawRecord(
                sha256: ChainHash.hex(ChainHash.sha256(bytes + Array("\(i)".utf8))), format: "rapiscan-lines",
                deviceID: "rpm-\(i % 4)", firstReceivedAt: at, receivedAt: at, frameCount: 1, bytes: bytes + Array("\(i)".utf8))
            b.records.append(r)
            b.events.append(
                InspectionEvent(
                    id: ids.next(at: at), kind: kind, device: DeviceRef(id: r.deviceID, profile: "rapiscan-rpm", family: "radiation-portal"),
                    site: "bench", lane: "1", observedAt: at, receivedAt: at,
                    // Every third event is the hub's word that the portal's link changed.
                    payload: kind == EventKind.radiationBackground
                        ? RadiationBackgroundPayload(gammaCps: Double(i % 500)).payload
                        : DeviceStatus(state: .online, previous: .degraded, link: .up, reason: "link up", lastFrameAt: at).payload,
                    severity: .info, raw: r.ref))
        }
        return b
    }

    /// Straight to the descriptor, so a long run shows each figure as it is measured, even in a file.
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func since(_ t: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - t
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Events/s and append latency of one measurement.
struct IngestFigures: CustomStringConvertible {
    var events: Int
    var seconds: Double
    var latencies: [Double]

    var description: String {
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        return String(
            format: "%.1f s = %.0f events/s; append latency p50 %.1f ms, p99 %.1f ms, max %.1f ms", seconds,
            Double(events) / max(seconds, 1e-6), pct(0.5), pct(0.99), (sorted.last ?? 0) * 1000) + " (\(events) events, \(sorted.count) appends)"
    }
}

/// The store as the purger sees it, timing each batch call (one write transaction, with any wait for the writer).
final class TimedRetentionStore: RetentionStore {
    private let store: SQLiteEventStore
    private let times = Mutex<[Double]>([])

    init(_ store: SQLiteEventStore) { self.store = store }

    private func timed<T>(_ body: () async throws -> T) async rethrows -> T {
        let t = ContinuousClock.now
        defer { let s = BenchRetention.since(t); times.withLock { $0.append(s) } }
        return try await body()
    }

    func storedKinds() async throws -> [String] { try await store.storedKinds() }
    func purgeEvents(kind: String, before: Date, limit: Int, now: Date) async throws -> Int {
        try await timed { try await store.purgeEvents(kind: kind, before: before, limit: limit, now: now) }
    }
    func purgeRaw(before: Date, after: RawPurgePosition?, limit: Int, now: Date) async throws -> RawPurgeBatch {
        try await timed { try await store.purgeRaw(before: before, after: after, limit: limit, now: now) }
    }
    func purgeNotifications(before: Date, limit: Int) async throws -> Int {
        try await timed { try await store.purgeNotifications(before: before, limit: limit) }
    }
    func recordPurgeRun(_ run: PurgeRun, at: Date) async throws { try await store.recordPurgeRun(run, at: at) }

    var summary: String {
        let sorted = times.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { return "no batches" }
        return String(format: "batch transaction p50 %.1f ms, max %.1f ms", sorted[sorted.count / 2] * 1000, sorted.last! * 1000)
    }
}

/// A one-way switch shared between tasks.
final class OneWaySwitch: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}
