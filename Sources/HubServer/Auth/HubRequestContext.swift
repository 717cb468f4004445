import Hummingbird
import HubStore
import HummingbirdWebSocket
import NIOCore

/// The hub's request context: Hummingbird's core storage, the WebSocket upgrade slot, and the
/// identity the auth middleware found (nil for anonymous requests to open routes).
public struct HubRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<HubRequestContext>
    public var identity: Identity?
    /// The identity came from the session cookie (a browser), not a bearer header: such a request
    /// that changes state must come from the hub's own origin.
    var credentialFromCookie = false
    /// The client's IP address (for login rate limits and the audit log): the TCP peer's, or
    /// behind a trusted reverse proxy the one its header names (`ClientAddressMiddleware`).
    public internal(set) var remoteAddress: String?
    /// The TCP peer's IP address, whoever it is.
    public let peerAddress: String?
    /// Filled by a handler that changes state, read by the auth middleware for the audit log.
    let auditNote = AuditNote()

    /// A context for a new request, not yet authenticated.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        identity = nil
        peerAddress = source.channel.remoteAddress?.ipAddress
        remoteAddress = peerAddress
    }

    /// The identity; only nil on open routes, which do not ask.
    var who: Identity { identity ?? Identity(name: "anonymous", role: .operator, tokenID: "") }
}
