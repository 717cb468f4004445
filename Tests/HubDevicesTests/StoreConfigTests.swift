import Foundation
import HubDevices
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
