import Foundation
import HubModel
import HubStore
import Logging
import Metrics
import NIOSSL
import ServiceLifecycle


/// Delivers the feed (every `risk.assessment`, in the order stored) to the risk system's webhook:
/// HTTP POST of the event's JSON with an `Idempotency-Key` header (the event id), one at a time and
/// in order (so per declaration too), retried with backoff until the receiver answers 2xx. The
/// position is saved only after a 2xx, so a restart resends at most the item in flight, with the
/// same key. An `https://` webhook's certificate is verified (against `caFile` when given); a
/// failed attempt is logged and counted (`niihub_feed_delivery_failures_total`) and tried again.
public struct FeedDeliveryService: Service {
    public static let kind = EventKind.riskAssessment
    /// The name its position is kept under unless told otherwise.
    public static let consumerName = "webhook"

    private let url: URL
    private let http: OutboundHTTP
    private let tls: TLSConfiguration?
    private let consumer: String
    private let store: any EventStore & FeedCursorStore
    private let logger: Logger
    private let poll: Duration

    /// `http` is the hub's shared client; `caFile` the PEM certificates an https webhook's must chain to.
    public init(url: URL, caFile: String? = nil, http: OutboundHTTP, consumer: String = consumerName,
                store: any EventStore & FeedCursorStore, logger: Logger, poll: Duration = .milliseconds(200)) {
        self.url = url
        self.http = http
        self.tls = OutboundHTTP.tls(caFile: caFile)
        self.consumer = consumer
        self.store = store
        self.logger = logger
        self.poll = poll
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var cursor = try? await store.feedCursor(consumer)
            while !Task.isCancelled {
                var q = EventQuery()
                q.kind = Self.kind
                q.cursor = cursor
                q.limit = 100
                guard let page = try? await store.events(q), !page.events.isEmpty else {
                    try? await Task.sleep(for: poll)
                    continue
                }
                for (event, position) in zip(page.events, page.cursors) {
                    guard await deliver(event) else { return }
                    cursor = position
                    try? await store.setFeedCursor(consumer, position)
                }
            }
        }
    }

    /// Posts until the receiver takes it (true), or the hub stops (false).
    private func deliver(_ event: InspectionEvent) async -> Bool {
        var delay: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                let (status, _) = try await http.post(
                    url, headers: [("Content-Type", "application/json"), ("Idempotency-Key", event.id)],
                    body: Array(try event.jsonLine().utf8), tls: tls)
                if (200..<300).contains(status) { return true }
                logger.warning("webhook refused a feed item", metadata: ["status": "\(status)", "event": "\(event.id)"])
            } catch {
                logger.warning("webhook unreachable", metadata: ["error": "\(error)", "event": "\(event.id)"])
            }
            Counter(label: "niihub_feed_delivery_failures_total").increment()
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
        return false
    }
}
