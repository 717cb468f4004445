import Hummingbird
import HubStore
import HummingbirdWebSocket

/// The hub's request context: Hummingbird's core storage, the WebSocket upgrade slot, and the
/// identity the auth middleware found (nil for anonymous requests to open routes).
public struct HubRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<HubRequestContext>
    public var identity: Identity?
    /// Filled by a handler that changes state, read by the auth middleware for the audit log.
    let auditNote = AuditNote()

    /// A context for a new request, not yet authenticated.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        identity = nil
    }

    /// The identity; only nil on open routes, which do not ask.
    var who: Identity { identity ?? Identity(name: "anonymous", role: .operator, tokenID: "") }
}
