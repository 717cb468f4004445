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
/// `postgres://user[:password]@[host][:port]/database[?host=/socket/dir&port=5432&sslmode=disable|prefer|require]`.
/// A `host` starting with `/` (in the authority or the query) is the folder of the server's Unix socket.
public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable, CaseIterable { case disable, prefer, require }

    /// TCP host; nil when `socketDirectory` is set.
    public var host: String?
    public var port: Int
    /// The folder holding the server's socket `.s.PGSQL.<port>`.
    public var socketDirectory: String?
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// The Unix socket's path, when the location is one.
    public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The URL as given, with any password replaced by `***`.
    public var redacted: String {
        var s = "postgres://\(user)\(password == nil ? "" : ":***")@\(host ?? "")"
        if socketDirectory == nil { s += ":\(port)" }
        s += "/\(database)"
        var query: [String] = []
        if let socketDirectory { query += ["host=\(socketDirectory)", "port=\(port)"] }
        if tls != .prefer { query.append("sslmode=\(tls.rawValue)") }
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
        var tls = TLSMode.prefer
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
            default: throw fail("unknown query parameter '\(key)' (known: host, port, user, password, sslmode)")
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
        self.tls = tls
    }
}

/// A PostgreSQL URL that cannot be used, and why.
public struct InvalidPostgresURL: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
