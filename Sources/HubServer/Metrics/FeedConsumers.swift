import Foundation
import HubModel
import HubStore
import Synchronization

/// Who reads the risk feed and how far each has got: the webhook delivery (its position is kept in
/// the store) and each identity that pulls `GET /api/v1/feed` (the position last handed to it, kept
/// in memory). Their lag is `niihub_feed_undelivered` and `niihub_feed_oldest_undelivered_seconds`.
public final class FeedConsumers: Sendable {
    /// One consumer's lag.
    struct Lag: Equatable {
        var consumer: String
        /// Feed items after its position (counted up to `countLimit`).
        var undelivered: Int
        /// Seconds since the oldest undelivered item was stored; 0 when none waits.
        var oldestAgeS: Double
    }

    /// More than this many waiting items are counted as this many: a scrape must stay cheap.
    static let countLimit = 20 * EventQuery.maxLimit

    private let cursors: (any FeedCursorStore)?
    private let webhookConsumer: String?
    private let pulled = Mutex<[String: String?]>([:])

    /// `webhookConsumer` names the webhook's stored position when the site has a webhook.
    public init(cursors: (any FeedCursorStore)?, webhookConsumer: String?) {
        self.cursors = cursors
        self.webhookConsumer = webhookConsumer
    }

    /// A pull reader was handed the items up to `cursor` (nil: none yet).
    func pulled(by who: String, through cursor: String?) {
        pulled.withLock { $0["pull:" + who] = .some(cursor) }
    }

    /// Every consumer's lag behind the store, now.
    func lags(store: any EventStore, now: Date = Date()) async -> [Lag] {
        var positions = pulled.withLock { $0 }
        if let webhookConsumer {
            positions[webhookConsumer] = .some(try? await cursors?.feedCursor(webhookConsumer))
        }
        var out: [Lag] = []
        for (consumer, cursor) in positions.sorted(by: { $0.key < $1.key }) {
            var lag = Lag(consumer: consumer, undelivered: 0, oldestAgeS: 0)
            var q = EventQuery()
            q.kind = EventKind.riskAssessment
            q.cursor = cursor
            q.limit = EventQuery.maxLimit
            while lag.undelivered < Self.countLimit, let page = try? await store.events(q), !page.events.isEmpty {
                if lag.undelivered == 0, let first = page.events.first {
                    lag.oldestAgeS = max(0, now.timeIntervalSince(first.receivedAt))
                }
                lag.undelivered += page.events.count
                guard let next = page.next else { break }
                q.cursor = next
            }
            out.append(lag)
        }
        return out
    }
}
