import HTTPTypes
import HubStore

/// Which roles may call each route, and which calls change state (and so go into the audit log).
/// One table, so a reviewer (and the role × route test) sees the whole policy at once; a route
/// missing from it needs the credential of a person (any role but `gate`) and changes nothing.
public enum AccessPolicy {
    public enum Access: Sendable, Equatable {
        /// No credential needed: the health check, the page that carries the login form, the login.
        case open
        case roles(Set<Role>)
    }

    public struct Rule: Sendable {
        public var method: HTTPRequest.Method
        /// A path with `:name` for a variable segment.
        public var pattern: String
        public var access: Access
        /// The audit log's name for a successful call; nil for calls that change nothing.
        public var audit: String?
    }

    static let anyRole: Access = .roles(Role.people)

    /// First match wins.
    public static let rules: [Rule] = [
        Rule(method: .get, pattern: "/healthz", access: .open),
        Rule(method: .get, pattern: "/", access: .open),
        // The login audits itself: only it knows who logged in, or who failed to.
        Rule(method: .post, pattern: "/api/v1/login", access: .open),
        Rule(method: .post, pattern: "/api/v1/logout", access: anyRole, audit: "logout"),
        Rule(method: .post, pattern: "/api/v1/scans", access: .roles([.operator, .admin]), audit: "scan.post"),
        Rule(method: .post, pattern: "/api/v1/blobs", access: .roles([.operator, .admin]), audit: "blob.post"),
        Rule(
            method: .post, pattern: "/api/v1/alarms/:id/adjudication", access: .roles([.operator, .admin]),
            audit: "alarm.adjudicate"),
        Rule(
            method: .post, pattern: "/api/v1/declarations", access: .roles([.analyst, .admin]),
            audit: "declaration.post"),
        Rule(
            method: .post, pattern: "/api/v1/declarations/bulk", access: .roles([.analyst, .admin]),
            audit: "declaration.bulk"),
        Rule(
            method: .post, pattern: "/api/v1/declarations/:number/cancel", access: .roles([.analyst, .admin]),
            audit: "declaration.cancel"),
        // The risk system's pull side of the feed.
        Rule(method: .get, pattern: "/api/v1/feed", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/events/:id/links", access: anyRole),
        Rule(method: .get, pattern: "/api/v1/declarations/:number/links", access: anyRole),
        Rule(method: .get, pattern: "/api/v1/declarations/:number/detail", access: anyRole),
        Rule(method: .get, pattern: "/api/v1/events/:id/n42", access: anyRole),
        Rule(method: .get, pattern: "/api/v1/openapi.json", access: anyRole),
        // The transit map: every role watches the gate's transits.
        Rule(method: .get, pattern: "/api/v1/transits", access: anyRole),
        // The analyst's search and exports.
        Rule(method: .get, pattern: "/api/v1/passages", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/passages/:id", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/export/passages.csv", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/export/passages.json", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/declarations/search", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/export/declarations.csv", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/export/declarations.json", access: .roles([.analyst, .admin])),
        Rule(method: .get, pattern: "/api/v1/audit", access: .roles([.admin])),
        Rule(method: .get, pattern: "/api/v1/tokens", access: .roles([.admin])),
        Rule(method: .post, pattern: "/api/v1/tokens", access: .roles([.admin]), audit: "token.create"),
        Rule(method: .post, pattern: "/api/v1/tokens/:id/revoke", access: .roles([.admin]), audit: "token.revoke"),
        Rule(method: .post, pattern: "/api/v1/users", access: .roles([.admin]), audit: "user.create"),
        // A gate hub's store-and-forward batches.
        Rule(method: .post, pattern: "/api/v1/forwarded", access: .roles([.gate, .admin]), audit: "forward.receive"),
        // Units that dialled in unknown, and the admin's decisions on them.
        Rule(method: .get, pattern: "/api/v1/admission/pending", access: .roles([.admin])),
        Rule(
            method: .post, pattern: "/api/v1/admission/:device/:unit/approve", access: .roles([.admin]),
            audit: AdmissionAudit.approve),
        Rule(
            method: .post, pattern: "/api/v1/admission/:device/:unit/deny", access: .roles([.admin]),
            audit: AdmissionAudit.deny),
    ]

    /// The rule for a request; a route without one needs a person's role (not `gate`) and is not audited.
    public static func rule(_ method: HTTPRequest.Method, _ path: String) -> Rule {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for r in rules where r.method == method {
            let p = r.pattern.split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == segments.count else { continue }
            if zip(p, segments).allSatisfy({ $0.first == ":" ? !$1.isEmpty : $0 == $1 }) { return r }
        }
        return Rule(method: method, pattern: path, access: anyRole)
    }
}

extension AccessPolicy.Rule {
    init(method: HTTPRequest.Method, pattern: String, access: AccessPolicy.Access) {
        self.init(method: method, pattern: pattern, access: access, audit: nil)
    }
}
