import Hummingbird
import HummingbirdWebSocket

extension HubAPI {
    /// `GET /api/v1/live`: a WebSocket of `LiveFeed` frames. The route's guard has run on the
    /// upgrade request, so an unauthenticated one never upgrades (it gets the 401), nor one from a foreign origin.
    func addLiveRoute(to router: RouteTable, feed: LiveFeed) {
        router.ws("/api/v1/live", .people) { inbound, outbound, _ in
            let (id, frames) = feed.subscribe()
            defer { feed.unsubscribe(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The client says nothing we need; reading tells us when it leaves.
                group.addTask { for try await _ in inbound {} }
                group.addTask { for await text in frames {
                        try await outbound.write(.text(text))
                        feed.written(id)
                    } }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
