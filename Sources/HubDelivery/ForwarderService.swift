import Foundation
import HubModel
import HubSite
import HubStore
import Logging
import Metrics
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Store-and-forward from a gate hub to a central hub: reads the local store in order from a
/// durable cursor and POSTs batches (events as stored, with their raw records) to the central's
/// `/api/v1/forwarded`. The cursor moves only after a 2xx, so a lost answer means the same batch
/// again (same idempotency key), which the central keeps once by event id. While the link is down
/// it retries with doubling pauses; nothing is dropped, since the store is the queue.
public final class ForwarderService: Service, Sendable {
    /// What the forwarder has done since it started, for metrics, tests and the log.
    public struct Status: Sendable, Equatable {
        /// The gate position up to which the central holds every event.
        public var cursor: Int64 = 0
        public var batches = 0
        public var events = 0
        /// Events the central already had when they came again (resends after a lost answer).
        public var alreadyHad = 0
        public var failures = 0
        public var gaps = 0
        public var backlog = 0
        /// Scanner images sent ahead of their scans' batches (or that the central already had).
        public var images = 0
        /// Status reports the central took while the forwarder was idle.
        public var statusReports = 0
        public var lastError: String?
    }

    public static let consumer = "forward"

    private let config: ForwardConfig
    private let http: OutboundHTTP
    private let tls: TLSConfiguration?
    private let source: String
    private let store: any ForwardingStore & EventStore & FeedCursorStore
    private let logger: Logger
    private let poll: Duration
    private let state = Mutex(Status())
    /// Raw bytes after which a batch is closed early, so one request stays a sensible size.
    private let maxBatchBytes: Int
    /// The gate's scanner images, sent ahead of the scans that name them; nil sends none.
    private let images: ForwardedImages?
    /// How often an idle forwarder tells the central its backlog, so a quiet gate is seen alive.
    private let statusEvery: Duration

    /// `http` is the hub's shared client (an https central's certificate is verified against
    /// `config.caFile`, else the system's roots).
    public init(
        config: ForwardConfig, http: OutboundHTTP, source: String, store: any ForwardingStore & EventStore & FeedCursorStore,
        logger: Logger, poll: Duration = .milliseconds(200), maxBatchBytes: Int = 8 << 20, blobs: BlobStore? = nil,
        statusEvery: Duration = .seconds(30)
    ) {
        self.statusEvery = statusEvery
        self.images = blobs.map { ForwardedImages(blobs: $0) }
        self.config = config
        self.http = http
        self.tls = OutboundHTTP.tls(caFile: config.caFile)
        self.source = source
        self.store = store
        self.logger = logger
        self.poll = poll
        self.maxBatchBytes = maxBatchBytes
    }

    public var status: Status { state.withLock { $0 } }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var cursor = Int64((try? await self.store.feedCursor(Self.consumer)) ?? "0") ?? 0
            self.state.withLock { $0.cursor = cursor }
            // A batch reports the backlog too, so the clock restarts with each one taken.
            var lastReport: ContinuousClock.Instant?
            while !Task.isCancelled {
                await self.measureBacklog(after: cursor)
                guard let batch = try? await self.nextBatch(after: cursor) else {
                    // Tried once per period whether or not it is taken: a central that is down is not pressed.
                    if lastReport.map({ ContinuousClock.now - $0 >= self.statusEvery }) ?? true {
                        await self.reportStatus(through: cursor)
                        lastReport = .now
                    }
                    try? await Task.sleep(for: self.poll)
                    continue
                }
                guard let through = await self.send(batch) else { return }
                lastReport = .now
                cursor = through
                try? await self.store.setFeedCursor(Self.consumer, String(cursor))
                self.state.withLock { $0.cursor = cursor }
            }
        }
    }

    /// A batch to send, or nil when nothing waits.
    struct Batch {
        var after: Int64
        var first: Int64
        var last: Int64
        var count: Int
        var body: [UInt8]
        var key: String
        /// Images the batch's scan results name, to send first.
        var images: [String] = []
    }

    func nextBatch(after cursor: Int64) async throws -> Batch? {
        let stored = try await store.storedEvents(after: cursor, limit: config.batch)
        guard !stored.isEmpty else { return nil }
        var taken: [StoredEvent] = []
        var records: [ForwardedRawRecord] = []
        var seen = Set<String>()
        var bytes = 0
        for e in stored {
            if !taken.isEmpty, bytes >= maxBatchBytes { break }
            taken.append(e)
            guard seen.insert(e.rawSHA256).inserted, let r = try await store.rawRecords(sha256: e.rawSHA256).first else {
                continue
            }
            bytes += r.bytes.count
            records.append(ForwardedRawRecord(r))
        }
        let first = taken.first!.seq
        let last = taken.last!.seq
        // What waits behind this batch, for the central's view of this gate's lag.
        let behind = try await store.forwardBacklog(after: last)
        // The events go as stored, byte for byte; only the envelope is encoded here.
        var text = "{\"source\":\(Self.quoted(source)),\"after\":\(cursor),\"first\":\(first),\"last\":\(last),"
        text += Self.uplinkFields(behind) + ",\"raw\":"
        text += String(decoding: try JSONEncoder().encode(records), as: UTF8.self)
        text += ",\"events\":["
        text += taken.map { $0.body.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ",")
        text += "]}"
        return Batch(
            after: cursor, first: first, last: last, count: taken.count, body: Array(text.utf8), key: "\(source):\(first)-\(last)",
            images: images?.named(in: taken.map(\.body)) ?? [])
    }

    /// `"backlog":n` and, when events wait, `"oldestWaitingAt":"…"`.
    static func uplinkFields(_ b: ForwardBacklog) -> String {
        "\"backlog\":\(b.events)" + (b.oldestReceivedAt.map { ",\"oldestWaitingAt\":\"\(Timestamp.format($0))\"" } ?? "")
    }

    /// Tells the central, while nothing waits to be sent, that the gate is alive and how far it
    /// stands. A failure is left to the next report.
    private func reportStatus(through cursor: Int64) async {
        guard let backlog = try? await store.forwardBacklog(after: cursor),
            let token = try? String(contentsOfFile: config.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        else { return }
        let body = "{\"source\":\(Self.quoted(source)),\"through\":\(cursor),\(Self.uplinkFields(backlog))}"
        guard
            let answer = try? await http.post(
                config.url.appendingPathComponent("status"),
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")], body: Array(body.utf8), tls: tls,
                timeout: .seconds(10)),
            (200..<300).contains(answer.status)
        else { return }
        state.withLock { $0.statusReports += 1 }
    }

    private static func quoted(_ s: String) -> String {
        String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// Posts until the central takes the batch; returns the position the cursor may move to, or nil
    /// when the hub stops.
    private func send(_ batch: Batch) async -> Int64? {
        var delay: Duration = .milliseconds(100)
        let ceiling = Duration.milliseconds(Int64(config.maxBackoffS * 1000))
        while !Task.isCancelled {
            do {
                let token = try String(contentsOfFile: config.tokenFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if let refused = try await sendImages(batch, token: token) {
                    failed(refused, batch)
                    await measureBacklog(after: batch.after)
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, ceiling)
                    continue
                }
                let (status, answer) = try await http.post(
                    config.url,
                    headers: [
                        ("Content-Type", "application/json"), ("Authorization", "Bearer \(token)"),
                        ("Idempotency-Key", batch.key),
                    ],
                    body: batch.body, tls: tls, timeout: .seconds(30))
                if (200..<300).contains(status), let receipt = try? JSONDecoder().decode(ForwardReceipt.self, from: Data(answer)) {
                    taken(batch, receipt)
                    return batch.last
                }
                if status == 409, let gap = try? JSONDecoder().decode(GapAnswer.self, from: Data(answer)), gap.through < batch.after {
                    // The central lost what it had (restored from a backup): go back to where it stands.
                    logger.warning("central holds less than sent; resending", metadata: ["through": "\(gap.through)"])
                    state.withLock { $0.gaps += 1 }
                    return gap.through
                }
                failed("central answered \(status): \(String(decoding: answer.prefix(200), as: UTF8.self))", batch)
            } catch {
                failed("\(error)", batch)
            }
            await measureBacklog(after: batch.after)
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, ceiling)
        }
        return nil
    }

    private struct GapAnswer: Decodable { var through: Int64 }

    /// Sends the batch's images the central does not have; nil when all are there, else why not.
    /// An image the central refuses as too large (413) is logged and left: the scan still goes.
    private func sendImages(_ batch: Batch, token: String) async throws -> String? {
        guard let blobs = images?.blobs else { return nil }
        for sha in batch.images {
            guard let bytes = blobs.read(sha) else { continue }
            let (status, answer) = try await http.post(
                ForwardedImages.url(forwarded: config.url, sha256: sha),
                headers: [("Content-Type", "application/octet-stream"), ("Authorization", "Bearer \(token)")],
                body: [UInt8](bytes), tls: tls, timeout: .seconds(120))
            if status == 413 {
                logger.warning("central refused a scanner image as too large", metadata: ["sha256": "\(sha)", "bytes": "\(bytes.count)"])
                continue
            }
            guard (200..<300).contains(status) else {
                return "central answered \(status) to image \(sha.prefix(12)): \(String(decoding: answer.prefix(200), as: UTF8.self))"
            }
            state.withLock { $0.images += 1 }
            Counter(label: "niihub_forward_images_total").increment()
        }
        return nil
    }

    private func taken(_ batch: Batch, _ receipt: ForwardReceipt) {
        state.withLock { s in
            s.batches += 1
            s.events += batch.count
            s.alreadyHad += receipt.alreadyHad
            s.lastError = nil
        }
        Counter(label: "niihub_forward_batches_total").increment()
        Counter(label: "niihub_forward_events_total").increment(by: batch.count)
        Counter(label: "niihub_forward_duplicates_total").increment(by: receipt.alreadyHad)
    }

    private func failed(_ error: String, _ batch: Batch) {
        let first = state.withLock { s -> Bool in
            defer {
                s.failures += 1
                s.lastError = error
            }
            return s.lastError != error
        }
        Counter(label: "niihub_forward_failures_total").increment()
        // Said once per distinct failure, not on every retry while the link is down.
        if first { logger.warning("forward failed; retrying", metadata: ["error": "\(error)", "batch": "\(batch.key)"]) }
    }

    private func measureBacklog(after cursor: Int64) async {
        guard let b = try? await store.forwardBacklog(after: cursor) else { return }
        state.withLock { $0.backlog = b.events }
        Gauge(label: "niihub_forward_backlog_events").record(b.events)
        Gauge(label: "niihub_forward_lag_seconds").record(b.oldestReceivedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
    }
}
