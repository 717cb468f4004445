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

    /// TCP host; nil when `socketDirectory` is set.
    public var host: String?
    public var port: Int
    /// The folder holding the server's socket `.s.PGSQL.<port>`.
    public var socketDirectory: String?
    public var user: String
    public var password: String?
    public var database: String
    /// `sslmode`: as given, else `require` for a TCP host and `disable` for a Unix socket.
    public var tls: TLSMode
    /// `sslrootcert`: PEM certificates the server's must chain to (for `verify-ca`/`verify-full`,
    /// and `require`, which it turns into `verify-ca`).
    public var rootCertificate: String?

    /// The TLS mode a URL without `sslmode` gets: `require` for TCP, `disable` for a Unix socket.
    public var defaultTLS: TLSMode { socketDirectory == nil ? .require : .disable }

    /// What a connection does about TLS; a Unix socket is always plain.
    public var tlsPolicy: TLSPolicy {
        guard socketDirectory == nil else { return .none }
        switch tls {
        case .disable: return .none
        case .prefer: return .preferred(.none)
        case .require: return .required(rootCertificate.map { .chain(roots: $0) } ?? .none)
        case .verifyCA: return .required(.chain(roots: rootCertificate))
        case .verifyFull: return .required(.chainAndHost(roots: rootCertificate))
        }
    }

    /// The Unix socket's path, when the location is one.
    public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The URL as given, with any password replaced by `***`.
    public var redacted: String {
        var s = "postgres://\(user)\(password == nil ? "" : ":***")@\(host ?? "")"
        if socketDirectory == nil { s += ":\(port)" }
        s += "/\(database)"
        var query: [String] = []
        if let socketDirectory { query += ["host=\(socketDirectory)", "port=\(port)"] }
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
        var host: String? = nil
        var port = 5432
        if !hostPort.isEmpty {
            if let colon = hostPort.lastIndex(of: ":") {
                guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                    throw fail("bad port in '\(hostPort)'")
                }
                port = p
                host = String(hostPort[..<colon])
            } else {
                host = String(hostPort).removingPercentEncoding
            }
        }
        var tls: TLSMode?
        var rootCertificate: String?
        for (key, value) in query {
            switch key {
            case "host": host = value
            case "port":
                guard let p = Int(value), (1...65535).contains(p) else { throw fail("bad port '\(value)'") }
                port = p
            case "user": user = value
            case "password": password = value
            case "sslmode":
                guard let m = TLSMode(rawValue: value) else {
                    throw fail("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'")
                }
                tls = m
            case "sslrootcert":
                guard !value.isEmpty else { throw fail("sslrootcert names no file") }
                rootCertificate = value
            default:
                throw fail("unknown query parameter '\(key)' (known: host, port, user, password, sslmode, sslrootcert)")
            }
        }
        guard let user, !user.isEmpty else { throw fail("the URL names no user (postgres://USER@…)") }
        guard let host, !host.isEmpty else {
            throw fail("the URL names no host: give host:port, or ?host=/socket/dir for a Unix socket")
        }
        if host.hasPrefix("/") {
            socketDirectory = host
            self.host = nil
        } else {
            socketDirectory = nil
            self.host = host
        }
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.rootCertificate = rootCertificate
        self.tls = tls ?? (socketDirectory == nil ? .require : .disable)
    }
}

/// A PostgreSQL URL that cannot be used, and why.
public struct InvalidPostgresURL: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
