import HTTPTypes
import Hummingbird
import HubStore

/// Who may call a route: anyone (the login, the health check, the page with the login form), or
/// holders of a credential whose role is in a set.
public enum Access: Sendable, Equatable {
    case open
    case roles(Set<Role>)

    /// Any person's role (not a forwarding gate's credential).
    public static let people = Access.roles(Role.people)
    public static let admin = Access.roles([.admin])
    /// Gate operators (and the admin): what happens at the lane.
    public static let operators = Access.roles([.operator, .admin])
    /// Risk analysts (and the admin): declarations, search, exports, the feed.
    public static let analysts = Access.roles([.analyst, .admin])
    /// Supervisors (and the admin): commands to GPS e-seals and their approval.
    public static let supervisors = Access.roles([.supervisor, .admin])
    /// A gate hub's forwarding credential (and the admin).
    public static let gates = Access.roles([.gate, .admin])

    /// Whether `role` may call a route with this access (nil: no credential).
    public func allows(_ role: Role?) -> Bool {
        switch self {
        case .open: return true
        case .roles(let roles): return role.map(roles.contains) ?? false
        }
    }
}

/// A route as it was registered: its method and path, who may call it, whether a successful call
/// goes into the audit log, and what bodies it reads. Made only by `RouteTable`, together with the
/// handler, so a route cannot exist without its rule.
public struct RouteRule: Sendable, CustomStringConvertible {
    public var method: HTTPRequest.Method
    /// The path as registered, with `:name` for a variable segment.
    public var pattern: String
    public var access: Access
    /// The audit log's name for a successful call; nil for calls that change nothing.
    public var audit: String?
    /// Words one of which a POST body's media type must contain (`json`, `xml`, …); nil: any bytes.
    public var bodyTypes: [String]?
    /// The live WebSocket alone may carry its credential as `?token=` (browsers cannot set headers
    /// on a WebSocket); anywhere else a secret in a URL would land in proxies' and browsers' histories.
    public var tokenInQuery = false
    /// Browser requests from another origin are refused (the login form, the WebSocket upgrade).
    public var sameOriginOnly = false

    /// "METHOD /path/{name}", as the router describes its routes.
    public var description: String { "\(method.rawValue) \(RouterPath(pattern).description)" }

    /// Routes that only the admin may call: a refusal on one is audited even without a credential.
    var adminOnly: Bool { access == .admin }
}
