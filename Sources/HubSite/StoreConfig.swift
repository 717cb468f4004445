import Foundation
import HubDevices
import HubModel

/// The site file's `store:` block, checked field by field:
///
/// ```yaml
/// store:
///   sqlite: var/niihub.sqlite          # the default: one SQLite file
/// store:
///   kind: postgres                     # one database shared by several hubs
///   url: postgres://niihub@/niihub?host=/run/postgresql
///   data: var/gate-a                   # this hub's own files: scanner images, first-start credential
///   replica: central-1                 # optional: this hub among replicas sharing the database
///   leaseS: 15                         # optional: a dead replica's correlation is taken over within this
/// ```
///
/// Over TCP the URL's `sslmode` defaults to `require`; `sslrootcert` (relative to the config) names
/// the CA file for `verify-ca`/`verify-full`.
struct RawStore: Decodable {
    var kind = Kind.sqlite
    var sqlite = "var/niihub.sqlite"
    var postgres: PostgresLocation?
    var data = "var"
    var replica: String?
    var leaseS: Double = 15

    enum Kind: String, CaseIterable { case sqlite, postgres }
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, sqlite, url, data, replica, leaseS }

    init() {}

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeChoice(forKey: .kind, default: .sqlite)
        func notFor(_ key: CodingKeys, _ why: String) -> InvalidValue {
            InvalidValue(codingPath: c.codingPath + [key], message: why)
        }
        switch kind {
        case .sqlite:
            for key in [CodingKeys.url, .data, .replica, .leaseS] where c.contains(key) {
                throw notFor(key, "'\(key.stringValue)' is for kind: postgres; a SQLite store is just 'sqlite: FILE'")
            }
            sqlite = try c.decode(String.self, forKey: .sqlite, default: sqlite, where: { !$0.isEmpty }, expected: "a file path")
        case .postgres:
            if c.contains(.sqlite) { throw notFor(.sqlite, "'sqlite' is for the SQLite store, not kind: postgres") }
            let text = try c.decode(String.self, forKey: .url)
            do {
                postgres = try PostgresLocation(url: text)
            } catch {
                throw notFor(.url, "\(error.reason)")
            }
            data = try c.decode(String.self, forKey: .data, default: data, where: { !$0.isEmpty }, expected: "a folder path")
            replica = try c.decodeIfPresent(String.self, forKey: .replica)
            if let r = replica, r.isEmpty || r.count > 200 { throw notFor(.replica, "a replica name is 1 to 200 characters") }
            leaseS = try c.decode(Double.self, forKey: .leaseS, default: leaseS, where: { $0 >= 1 && $0 <= 600 }, expected: "seconds, 1 to 600")
        }
    }

    /// The store, with paths resolved beside the config; a PostgreSQL `sslrootcert` must be a
    /// readable PEM certificate now (`fail` says so against `url`).
    func settings(_ resolve: (String) -> String, fail: (String) -> ConfigError) throws -> StoreSettings {
        guard var postgres else { return .sqlite(path: resolve(sqlite)) }
        if let roots = postgres.rootCertificate {
            postgres.rootCertificate = resolve(roots)
            if let problem = TLSFiles.pemProblem(resolve(roots), label: "CERTIFICATE", what: "sslrootcert CA certificate") {
                throw fail(problem)
            }
        }
        return .postgres(postgres)
    }

    /// Where the hub's own files go: beside the SQLite file, or in the PostgreSQL hub's `data` folder.
    func localPath(_ resolve: (String) -> String) -> String {
        postgres == nil ? resolve(sqlite) : (resolve(data) as NSString).appendingPathComponent("niihub")
    }
}
