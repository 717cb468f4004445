import Hummingbird
import HummingbirdWebSocket

/// `GET /api/v1/live`: a WebSocket of `LiveFeed` frames. The route's guard has run on the upgrade
/// request, so an unauthenticated one never upgrades (it gets the 401), nor one from a foreign origin.
struct LiveRoutes: RouteController {
    let feed: LiveFeed

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        let doc = OpenAPIOperation(
            summary: "WebSocket of live alarms (`?token=` allowed here only).",
            response: S.object(
                ["type": S.oneOf(["event", "adjudication", "acknowledgement"]), "event": S.eventRef, "adjudication": S.ref("Adjudication"),
                 "acknowledgement": S.ref("Acknowledgement")],
                required: ["type"]))
        routes.ws("/api/v1/live", .people, doc: doc) { [feed] inbound, outbound, _ in
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
