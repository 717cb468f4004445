import Foundation
import HubDevices
import HubSite
import HubModel
import HubTesting
import Testing

/// The site file's `store:` block: SQLite by default, PostgreSQL by URL, and a bad one named by
/// file, line and field.
struct StoreConfigTests {
    static func load(_ store: String) throws -> Result<SiteConfig, ConfigError> {
        let dir = try TemporaryDirectory("store-config")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        let path = try dir.write("site.yaml", "site: gate-a\n\(store)\nhttp:\n  port: 0\n")
        do {
            return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles")))
        } catch let e as ConfigError {
            return .failure(e)
        }
    }

    @Test func postgresByURLWithItsOwnDataFolder() throws {
        let config = try Self.load(
            "store:\n  kind: postgres\n  url: \"postgres://hub:s3cret@/customs?host=/run/postgresql&port=5433\"\n  data: var/gate-a"
        ).get()
        guard case .postgres(let at) = config.store else { Issue.record("not postgres: \(config.store)"); return }
        #expect(at.socketPath == "/run/postgresql/.s.PGSQL.5433")
        #expect(at.user == "hub" && at.password == "s3cret" && at.database == "customs" && at.host == nil)
        #expect(config.store.description == "postgres://hub:***@/customs?host=/run/postgresql&port=5433")
        #expect(config.storePath.hasSuffix("/var/gate-a/niihub"))
        let sqlite = try Self.load("store:\n  sqlite: data/hub.sqlite").get()
        #expect(sqlite.store == .sqlite(path: sqlite.storePath) && sqlite.storePath.hasSuffix("/data/hub.sqlite"))
        let tcp = try PostgresLocation(url: "postgresql://u@db.example:6432/hubs?sslmode=require")
        #expect(tcp.host == "db.example" && tcp.port == 6432 && tcp.tls == .require && tcp.socketPath == nil)
        #expect(tcp.redacted == "postgres://u@db.example:6432/hubs", "require is the default for TCP, so not spelt out")
    }

    /// The URL → TLS decision: a TCP host is `require` unless the URL says otherwise (loopback
    /// too); a Unix socket is plain whatever it says; `sslrootcert` makes `require` check the chain,
    /// as libpq does.
    @Test(arguments: [
        ("postgres://u@db.example/x", PostgresLocation.TLSMode.require, PostgresLocation.TLSPolicy.required(.none)),
        ("postgres://u@127.0.0.1:5432/x", .require, .required(.none)),
        ("postgres://u@[::1]:5432/x", .require, .required(.none)),
        ("postgres://u@db/x?sslmode=disable", .disable, .none),
        ("postgres://u@db/x?sslmode=prefer", .prefer, .preferred(.none)),
        ("postgres://u@db/x?sslrootcert=/etc/ca.pem", .require, .required(.chain(roots: "/etc/ca.pem"))),
        ("postgres://u@db/x?sslmode=verify-ca", .verifyCA, .required(.chain(roots: nil))),
        ("postgres://u@db/x?sslmode=verify-full&sslrootcert=/etc/ca.pem", .verifyFull, .required(.chainAndHost(roots: "/etc/ca.pem"))),
        ("postgres://u@/x?host=/run/postgresql", .disable, .none),
        ("postgres://u@%2Frun%2Fpostgresql/x", .disable, .none),
        ("postgres://u@/x?host=/run/postgresql&sslmode=require", .require, .none),
    ])
    func aTCPHostDefaultsToTLSAndASocketStaysPlain(
        url: String, mode: PostgresLocation.TLSMode, policy: PostgresLocation.TLSPolicy
    ) throws {
        let at = try PostgresLocation(url: url)
        #expect(at.tls == mode)
        #expect(at.tlsPolicy == policy)
        // What the hub prints (and tests write back into site files) means the same.
        #expect(try PostgresLocation(url: at.redacted) == at, "\(at.redacted)")
        #expect(at.redacted.contains("sslmode") == (mode != at.defaultTLS))
    }

    /// libpq's multi-host forms: a primary and its standby listed in order, for a hub that must
    /// find whichever of them takes writes after a failover.
    @Test func aURLMayListSeveralServersAndAskForTheOneThatTakesWrites() throws {
        typealias E = PostgresLocation.Endpoint
        let pair = try PostgresLocation(
            url: "postgres://niihub@127.0.0.1:5432,127.0.0.1:5433/postgres?target_session_attrs=read-write&sslmode=disable")
        #expect(pair.endpoints == [E(host: "127.0.0.1", port: 5432), E(host: "127.0.0.1", port: 5433)])
        #expect(pair.targetSessionAttrs == .readWrite && pair.tls == .disable)
        #expect(pair.redacted == "postgres://niihub@127.0.0.1:5432,127.0.0.1:5433/postgres?target_session_attrs=read-write&sslmode=disable")

        let listed = try PostgresLocation(url: "postgres://u:pw@/db?host=db-a,db-b&port=6432,6433&target_session_attrs=primary")
        #expect(listed.endpoints == [E(host: "db-a", port: 6432), E(host: "db-b", port: 6433)])
        #expect(listed.targetSessionAttrs == .primary && listed.tls == .require)
        #expect(listed.redacted == "postgres://u:***@db-a:6432,db-b:6433/db?target_session_attrs=primary")

        let sockets = try PostgresLocation(url: "postgres://u@/db?host=/run/a,/run/b&port=5433")
        #expect(sockets.endpoints == [E(host: nil, socketDirectory: "/run/a", port: 5433), E(host: nil, socketDirectory: "/run/b", port: 5433)])
        #expect(sockets.socketPath == "/run/a/.s.PGSQL.5433" && sockets.tls == .disable)
        #expect(sockets.redacted == "postgres://u@/db?host=/run/a,/run/b&port=5433,5433")

        let mixed = try PostgresLocation(url: "postgres://u@/db?host=/run/a,db-b&port=5432,5433")
        #expect(mixed.tls == .require, "a TCP host in the list gets TLS by default")
        #expect(mixed.tlsPolicy(for: mixed.endpoints[0]) == .none && mixed.tlsPolicy(for: mixed.endpoints[1]) == .required(.none))

        let v6 = try PostgresLocation(url: "postgres://u@[::1]:5432,[::1]/db")
        #expect(v6.endpoints == [E(host: "[::1]", port: 5432), E(host: "[::1]", port: 5432)])
        #expect(v6.targetSessionAttrs == .any)
        for at in [pair, listed, sockets, mixed, v6] {
            var shown = at
            if shown.password != nil { shown.password = "***" }
            #expect(try PostgresLocation(url: at.redacted) == shown, "\(at.redacted)")
        }
    }

    @Test(arguments: [
        ("postgres://u@h1,h2/db?target_session_attrs=standby", "target_session_attrs must be one of any, read-write, primary"),
        ("postgres://u@h1,h2/db?target_session_attrs=read-only", "never settles on a standby"),
        ("postgres://u@/db?host=a,b,c&port=1,2", "2 ports for 3 hosts"),
        ("postgres://u@h1:5432,,h2/db", "empty entry"),
        ("postgres://u@h1:5432,h2:99999/db", "bad port in 'h2:99999'"),
        ("postgres://u@h1/db?target_session=read-write", "unknown query parameter 'target_session'"),
    ])
    func aBadServerListIsRefusedByName(url: String, says: String) {
        #expect {
            try PostgresLocation(url: url)
        } throws: { ($0 as? InvalidPostgresURL)?.reason.contains(says) == true }
    }

    @Test func sslrootcertIsResolvedBesideTheConfigAndMustBeACertificate() throws {
        let dir = try TemporaryDirectory("pg-ca")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try dir.write("pg-ca.pem", "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n")
        func load(_ url: String) throws -> Result<SiteConfig, ConfigError> {
            let path = try dir.write("site.yaml", "site: gate-a\nstore:\n  kind: postgres\n  url: \"\(url)\"\nhttp:\n  port: 0\n")
            do {
                return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles")))
            } catch let e as ConfigError {
                return .failure(e)
            }
        }
        let good = try load("postgres://hub@db.example/customs?sslmode=verify-full&sslrootcert=pg-ca.pem").get()
        guard case .postgres(let at) = good.store else { Issue.record("not postgres: \(good.store)"); return }
        #expect(at.rootCertificate == dir.path("pg-ca.pem"))
        #expect(at.tlsPolicy == .required(.chainAndHost(roots: dir.path("pg-ca.pem"))))
        guard case .failure(let e) = try load("postgres://hub@db.example/customs?sslrootcert=missing.pem") else {
            Issue.record("a missing sslrootcert was accepted")
            return
        }
        #expect(e.line == 4 && e.field == "store.url" && e.message.contains("missing.pem"), "\(e)")
    }

    @Test(arguments: [
        ("store:\n  kind: postgres\n  url: \"mysql://x@h/db\"", 4, "store.url", "postgres://"),
        ("store:\n  kind: postgres\n  url: \"postgres://@h/db\"", 4, "store.url", "no user"),
        ("store:\n  kind: postgres\n  url: \"postgres://u@/db\"", 4, "store.url", "no host"),
        ("store:\n  kind: postgres\n  url: \"postgres://u@h/db?sslmode=maybe\"", 4, "store.url", "sslmode"),
        ("store:\n  kind: postgres\n  sqlite: hub.sqlite\n  url: \"postgres://u@h/db\"", 4, "store.sqlite", "not kind: postgres"),
        ("store:\n  kind: postgres", 3, "store.url", "missing"),
        ("store:\n  kind: oracle", 3, "store.kind", "sqlite, postgres"),
        ("store:\n  sqlite: hub.sqlite\n  url: \"postgres://u@h/db\"", 4, "store.url", "kind: postgres"),
    ])
    func aBadStoreNamesItsLineAndField(yaml: String, line: Int, field: String, says: String) throws {
        guard case .failure(let e) = try Self.load(yaml) else { Issue.record("accepted: \(yaml)"); return }
        #expect(e.file.hasSuffix("site.yaml"))
        #expect(e.line == line, "\(e)")
        #expect(e.field == field, "\(e)")
        #expect(e.message.contains(says), "\(e)")
    }
}
