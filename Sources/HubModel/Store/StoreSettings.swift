import Foundation

/// Which store a hub keeps its records in: the embedded SQLite file (the default), or a PostgreSQL
/// database that several hubs (one per site) share.
public enum StoreSettings: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// For logs and the start line: the file, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let p): p.redacted
        }
    }
}

/// Where a PostgreSQL database is and who the hub logs in as, read from a libpq-style URL:
/// `postgres://user[:password]@[host][:port]/database[?host=/socket/dir&port=5432&sslmode=…&sslrootcert=FILE]`.
/// A `host` starting with `/` (in the authority or the query) is the folder of the server's Unix socket.
///
/// TLS (`sslmode`, as libpq means it): a TCP host defaults to `require`, so nothing crosses a
/// network in the clear unless the URL says `sslmode=disable`; a Unix socket never uses TLS.
public struct PostgresLocation: Sendable, Equatable {
    /// libpq's `sslmode` values the hub supports.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, else plain; the certificate is not checked.
        case prefer
        /// TLS or no connection; the certificate is checked only against `sslrootcert` when one is
        /// given (then as `verify-ca`), as libpq does.
        case require
        /// TLS, and the server's certificate must chain to `sslrootcert` (else the system's roots).
        case verifyCA = "verify-ca"
        /// As `verify-ca`, and the certificate must also name the host: the only mode that stops
        /// a man in the middle without a CA file of one's own.
        case verifyFull = "verify-full"
    }

    /// What a connection to this location does about TLS, once the URL's defaults are applied.
    public enum TLSPolicy: Sendable, Equatable {
        /// Plain: a Unix socket, or `sslmode=disable`.
        case none
        /// TLS if the server offers it.
        case preferred(CertificateCheck)
        /// TLS or no connection.
        case required(CertificateCheck)
    }

    /// How the server's certificate is checked.
    public enum CertificateCheck: Sendable, Equatable {
        case none
        /// It must chain to the roots (`sslrootcert`, or the system's when nil).
        case chain(roots: String?)
        /// It must chain to the roots and name the host.
        case chainAndHost(roots: String?)
    }

    /// One server a location may reach: a TCP host, or the folder of a Unix socket, and a port.
    public struct Endpoint: Sendable, Equatable {
        /// TCP host; nil when `socketDirectory` is set.
        public var host: String?
        /// The folder holding the server's socket `.s.PGSQL.<port>`.
        public var socketDirectory: String?
        public var port: Int

        public init(host: String?, socketDirectory: String? = nil, port: Int) {
            self.host = host
            self.socketDirectory = socketDirectory
            self.port = port
        }

        /// The Unix socket's path, when the endpoint is one.
        public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

        /// `host:port` or the socket folder, for logs.
        public var description: String { socketDirectory ?? "\(host ?? ""):\(port)" }
    }

    /// libpq's `target_session_attrs`, as far as a hub that writes can use it: which of the
    /// endpoints a connection may settle on.
    public enum TargetSessionAttrs: String, Sendable, Equatable, CaseIterable {
        /// The first endpoint that answers.
        case any
        /// One that accepts writes (`transaction_read_only` off): after a failover, the promoted standby.
        case readWrite = "read-write"
        /// One not in recovery.
        case primary
    }

    /// The servers to try, in order (libpq's multi-host URL: `h1:5432,h2:5432`, or `?host=a,b&port=…`).
    public var endpoints: [Endpoint]
    /// Which endpoint a connection settles on.
    public var targetSessionAttrs: TargetSessionAttrs

    /// The first endpoint's TCP host; nil when it is a Unix socket.
    public var host: String? {
        get { endpoints[0].host }
        set { endpoints[0].host = newValue }
    }
    /// The first endpoint's port.
    public var port: Int {
        get { endpoints[0].port }
        set { endpoints[0].port = newValue }
    }
    /// The folder holding the first endpoint's socket `.s.PGSQL.<port>`.
    public var socketDirectory: String? {
        get { endpoints[0].socketDirectory }
        set { endpoints[0].socketDirectory = newValue }
    }
    public var user: String
    public var password: String?
    public var database: String
    /// `sslmode`: as given, else `require` for a TCP host and `disable` for a Unix socket.
    public var tls: TLSMode
    /// `sslrootcert`: PEM certificates the server's must chain to (for `verify-ca`/`verify-full`,
    /// and `require`, which it turns into `verify-ca`).
    public var rootCertificate: String?

    /// The TLS mode a URL without `sslmode` gets: `require` when any endpoint is TCP, `disable`
    /// when all are Unix sockets.
    public var defaultTLS: TLSMode { endpoints.contains { $0.socketDirectory == nil } ? .require : .disable }

    /// What a connection to the first endpoint does about TLS; a Unix socket is always plain.
    public var tlsPolicy: TLSPolicy { tlsPolicy(for: endpoints[0]) }

    /// What a connection to `endpoint` does about TLS; a Unix socket is always plain.
    public func tlsPolicy(for endpoint: Endpoint) -> TLSPolicy {
        guard endpoint.socketDirectory == nil else { return .none }
        switch tls {
        case .disable: return .none
        case .prefer: return .preferred(.none)
        case .require: return .required(rootCertificate.map { .chain(roots: $0) } ?? .none)
        case .verifyCA: return .required(.chain(roots: rootCertificate))
        case .verifyFull: return .required(.chainAndHost(roots: rootCertificate))
        }
    }

    /// The first endpoint's Unix socket path, when it is one.
    public var socketPath: String? { endpoints[0].socketPath }

    /// The URL as given, with any password replaced by `***`. TCP hosts go in the authority
    /// (`h1:5432,h2:5433`); a list holding a socket folder goes in the query (`?host=…&port=…`).
    public var redacted: String {
        var s = "postgres://\(user)\(password == nil ? "" : ":***")@"
        var query: [String] = []
        if endpoints.allSatisfy({ $0.socketDirectory == nil }) {
            s += endpoints.map { "\($0.host ?? ""):\($0.port)" }.joined(separator: ",")
        } else {
            query.append("host=" + endpoints.map { $0.socketDirectory ?? $0.host ?? "" }.joined(separator: ","))
            query.append("port=" + endpoints.map { "\($0.port)" }.joined(separator: ","))
        }
        s += "/\(database)"
        if targetSessionAttrs != .any { query.append("target_session_attrs=\(targetSessionAttrs.rawValue)") }
        if tls != defaultTLS { query.append("sslmode=\(tls.rawValue)") }
        if let rootCertificate { query.append("sslrootcert=\(rootCertificate)") }
        return query.isEmpty ? s : s + "?" + query.joined(separator: "&")
    }

    /// Reads a `postgres://` or `postgresql://` URL; the error says what is wrong with it.
    public init(url text: String) throws(InvalidPostgresURL) {
        func fail(_ why: String) -> InvalidPostgresURL { InvalidPostgresURL(reason: why) }
        guard let schemeEnd = text.range(of: "://"), ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound])
        else { throw fail("expected a URL starting postgres:// or postgresql://") }
        var rest = text[schemeEnd.upperBound...]
        var query: [(String, String)] = []
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, let value = kv[1].removingPercentEncoding else { throw fail("bad query parameter '\(pair)'") }
                query.append((kv[0], value))
            }
            rest = rest[..<q]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw fail("the URL names no database (…/DBNAME)") }
        let authority = rest[..<slash]
        guard let database = rest[rest.index(after: slash)...].removingPercentEncoding, !database.isEmpty,
            !database.contains("/")
        else { throw fail("the URL names no database (…/DBNAME)") }
        var hostPort = authority
        var user: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let info = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let parts = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = parts.first.flatMap { String($0).removingPercentEncoding }
            password = parts.count > 1 ? String(parts[1]).removingPercentEncoding : nil
        }
        // libpq's lists: hosts from the authority (each with its own port) or `host=a,b`; ports
        // from the authority or `port=p` (one for all) or `port=p1,p2` (one per host).
        var hosts: [String] = []
        var authorityPorts: [Int?] = []
        if !hostPort.isEmpty {
            for entry in hostPort.split(separator: ",", omittingEmptySubsequences: false) {
                let (h, p) = try Self.hostAndPort(entry)
                hosts.append(h)
                authorityPorts.append(p)
            }
        }
        var queryPorts: [Int]?
        var attrs = TargetSessionAttrs.any
        var tls: TLSMode?
        var rootCertificate: String?
        for (key, value) in query {
            switch key {
            case "host": hosts = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            case "port":
                var ports: [Int] = []
                for text in value.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let p = Int(text), (1...65535).contains(p) else { throw fail("bad port '\(text)'") }
                    ports.append(p)
                }
                queryPorts = ports
            case "user": user = value
            case "password": password = value
            case "target_session_attrs":
                guard let a = TargetSessionAttrs(rawValue: value) else {
                    throw fail(
                        "target_session_attrs must be one of \(TargetSessionAttrs.allCases.map(\.rawValue).joined(separator: ", ")) "
                            + "(a hub writes, so it never settles on a standby), got '\(value)'")
                }
                attrs = a
            case "sslmode":
                guard let m = TLSMode(rawValue: value) else {
                    throw fail("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'")
                }
                tls = m
            case "sslrootcert":
                guard !value.isEmpty else { throw fail("sslrootcert names no file") }
                rootCertificate = value
            default:
                throw fail(
                    "unknown query parameter '\(key)' (known: host, port, user, password, target_session_attrs, sslmode, sslrootcert)")
            }
        }
        guard let user, !user.isEmpty else { throw fail("the URL names no user (postgres://USER@…)") }
        guard !hosts.isEmpty, !hosts.contains(where: \.isEmpty) else {
            throw fail(
                hosts.count > 1
                    ? "the URL's host list has an empty entry" : "the URL names no host: give host:port, or ?host=/socket/dir for a Unix socket")
        }
        if let queryPorts, queryPorts.count != 1, queryPorts.count != hosts.count {
            throw fail("the URL gives \(queryPorts.count) ports for \(hosts.count) hosts (give one port, or one per host)")
        }
        endpoints = hosts.indices.map { i in
            let port =
                queryPorts.map { $0.count == 1 ? $0[0] : $0[i] }
                ?? (authorityPorts.count == hosts.count ? authorityPorts[i] : authorityPorts.first ?? nil) ?? 5432
            let h = hosts[i]
            return h.hasPrefix("/") ? Endpoint(host: nil, socketDirectory: h, port: port) : Endpoint(host: h, port: port)
        }
        targetSessionAttrs = attrs
        self.user = user
        self.password = password
        self.database = database
        self.rootCertificate = rootCertificate
        self.tls = tls ?? (endpoints.contains { $0.socketDirectory == nil } ? .require : .disable)
    }

    /// One authority entry: `host`, `host:port`, `[v6]` or `[v6]:port`; a percent-encoded `/dir` is a socket folder.
    private static func hostAndPort(_ entry: Substring) throws(InvalidPostgresURL) -> (String, Int?) {
        func port(_ text: Substring) throws(InvalidPostgresURL) -> Int {
            guard let p = Int(text), (1...65535).contains(p) else { throw InvalidPostgresURL(reason: "bad port in '\(entry)'") }
            return p
        }
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let rest = entry[entry.index(after: close)...]
            let host = String(entry[...close])
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { throw InvalidPostgresURL(reason: "bad host '\(entry)'") }
            return (host, try port(rest.dropFirst()))
        }
        if let colon = entry.lastIndex(of: ":") {
            return (String(entry[..<colon]), try port(entry[entry.index(after: colon)...]))
        }
        return (String(entry).removingPercentEncoding ?? String(entry), nil)
    }
}

/// A PostgreSQL URL that cannot be used, and why.
public struct InvalidPostgresURL: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
