import Foundation
import HubAppTesting
import HubDevices
import HubModel
import HubSite
import HubTesting
import Testing

@testable import HubServer

/// The console's files as the hub serves them (media types, validators, Debian's libraries), what
/// it refuses (any way out of the folder), its two translation catalogs, and the site's time zone.
@Suite(.timeLimit(.minutes(2)))
struct ConsoleTests {
    static let folder = Corpus.repositoryFile("Assets/console")

    @Test func pagesFilesAndLibrariesAreServedWithTheirTypesAndValidators() async throws {
        let h = try await HubHarness(label: "console", siteExtra: "console: {timeZone: Asia/Ho_Chi_Minh}")
        let page = try await RawHTTP.send(port: h.port, "GET", "/")
        #expect(page.status == 200)
        #expect(page.header("content-type") == "text/html; charset=utf-8")
        #expect(page.body.contains("e2e-gate") && page.body.contains("/assets/js/main.js"))
        #expect(try await RawHTTP.send(port: h.port, "GET", "/admin").body.contains("/assets/js/admin.js"))
        let analysis = try await RawHTTP.send(port: h.port, "GET", "/analysis")
        #expect(analysis.status == 200 && analysis.body.contains("/assets/js/analysis.js") && analysis.body.contains("e2e-gate"))
        for (path, type) in [
            ("/assets/js/main.js", "text/javascript; charset=utf-8"), ("/assets/css/console.css", "text/css; charset=utf-8"),
            ("/assets/i18n/vi.json", "application/json; charset=utf-8"), ("/assets/css/analysis.css", "text/css; charset=utf-8"),
            ("/vendor/leaflet/leaflet.min.js", "text/javascript; charset=utf-8"),
            ("/vendor/leaflet/images/marker-icon.png", "image/png"),
            ("/vendor/chart.js/chart.min.js", "text/javascript; charset=utf-8"),
        ] {
            let a = try await RawHTTP.send(port: h.port, "GET", path)
            #expect(a.status == 200, "\(path)")
            #expect(a.header("content-type") == type, "\(path)")
            #expect(a.header("x-content-type-options") == "nosniff", "\(path)")
            let etag = try #require(a.header("etag"), "\(path)")
            #expect(try await RawHTTP.send(port: h.port, "GET", path, headers: [("If-None-Match", etag)]).status == 304, "\(path)")
        }
        #expect(try await RawHTTP.send(port: h.port, "GET", "/assets/js/main.js").header("cache-control") == "no-cache")
        #expect(try await RawHTTP.send(port: h.port, "GET", "/vendor/chart.js/chart.min.js").header("cache-control") == "public, max-age=86400")
        // The site's zone, for the console's clocks; the API's own times stay UTC.
        #expect(try await h.get("/api/v1/config").json["timeZone"] as? String == "Asia/Ho_Chi_Minh")
        try await h.stop()
    }

    @Test func nothingOutsideTheFoldersIsServed() async throws {
        let h = try await HubHarness(label: "console-escape")
        for path in [
            "/assets/../Package.swift", "/assets/%2e%2e/Package.swift", "/assets/js/%2e%2e%2f%2e%2e%2fPackage.swift",
            "/assets/js/..%2F..%2FPackage.swift", "/assets/%2Fetc/passwd", "/assets/js/%2Fetc%2Fpasswd",
            "/assets/..%5c..%5cPackage.swift", "/assets/js/.hidden.js", "/assets/i18n/vi.json%00.js", "/assets/js",
            "/vendor/leaflet/../../../../etc/passwd", "/vendor/..%2f..%2fetc/passwd", "/vendor/jquery/jquery.js",
            "/vendor/leaflet/leaflet.min.js.gz", "/assets/js/main.swift", "//etc/passwd", "/assets//etc/passwd",
        ] {
            let a = try await RawHTTP.send(port: h.port, "GET", path)
            #expect(a.status == 404, "\(path): \(a.status)")
            #expect(!a.body.contains("root:"), "\(path)")
        }
        try await h.stop()
    }

    /// A zone or tile URL the browser could not use is refused at load, naming its field; a
    /// relative assets folder is read from the config file's folder.
    @Test func consoleSettingsAreCheckedWhereTheyAreWritten() throws {
        let dir = try TemporaryDirectory("console-config")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        func load(_ console: String) throws -> SiteConfig {
            let path = try dir.write("site.yaml", "site: s1\nconsole: \(console)\ndevices: []\n")
            return try SiteConfig.load(path: path, profilesDir: dir.path("profiles"), knownProtocols: [])
        }
        let good = try load("{timeZone: Asia/Ho_Chi_Minh, mapTiles: \"http://tiles.local/{z}/{x}/{y}.png\", assets: web}")
        #expect(good.console.timeZone == "Asia/Ho_Chi_Minh")
        #expect(good.console.mapTiles == "http://tiles.local/{z}/{x}/{y}.png")
        #expect(good.console.assets == dir.path("web"))
        for (bad, field) in [("{timeZone: Asia/Saigon_City}", "console.timeZone"), ("{mapTiles: \"http://tiles.local/map.png\"}", "console.mapTiles"),
                             ("{language: vi}", "console.language")] {
            #expect(throws: ConfigError.self, "\(bad)") { try load(bad) }
            do { _ = try load(bad) } catch let e as ConfigError { #expect(e.field == field, "\(e)") }
        }
        #expect(try load("{}").console.timeZone == TimeZone.current.identifier, "the host's zone when none is given")
    }

    /// A symlink inside the folder that points out of it is not followed, one that stays inside is.
    @Test func aSymlinkOutOfTheFolderIsRefused() throws {
        let dir = try TemporaryDirectory("console-links")
        try FileManager.default.createDirectory(atPath: dir.path("root/js"), withIntermediateDirectories: true)
        try dir.write("root/js/app.js", "export {}")
        try dir.write("secret.js", "secret")
        try FileManager.default.createSymbolicLink(atPath: dir.path("root/js/out.js"), withDestinationPath: dir.path("secret.js"))
        try FileManager.default.createSymbolicLink(atPath: dir.path("root/js/in.js"), withDestinationPath: "app.js")
        try FileManager.default.createSymbolicLink(atPath: dir.path("root/up"), withDestinationPath: dir.path(""))
        let root = dir.path("root")
        #expect(ConsoleAssets.file(in: root, ["js", "app.js"]) != nil)
        #expect(ConsoleAssets.file(in: root, ["js", "in.js"]) != nil)
        #expect(ConsoleAssets.file(in: root, ["js", "out.js"]) == nil)
        #expect(ConsoleAssets.file(in: root, ["up", "secret.js"]) == nil)
        #expect(ConsoleAssets.file(in: root, ["js", ".."]) == nil)
        #expect(ConsoleAssets.file(in: root, [dir.path("secret.js")]) == nil, "an absolute path")
        #expect(ConsoleAssets.file(in: root, ["js"]) == nil, "a folder")
    }

    /// Every key in one catalog is in the other with a non-empty text, and every key the pages and
    /// scripts use is in both: `data-i18n*="key"` in HTML, `t("key")` in JavaScript, and for a key
    /// built from a value (`t(`state.${…}`)`) at least one key under that prefix. A counted text
    /// (`tn("key", n, …)`) has its `key.other` in both, or is a word that does not change (`key`).
    @Test func bothLanguagesHaveEveryKeyThePagesUse() throws {
        func catalog(_ lang: String) throws -> [String: String] {
            let data = try Data(contentsOf: Self.folder.appendingPathComponent("i18n/\(lang).json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String], "\(lang).json is a flat object of strings")
        }
        let vi = try catalog("vi"), en = try catalog("en")
        #expect(vi.count > 100)
        #expect(Set(vi.keys).subtracting(en.keys).sorted() == [], "in vi.json only")
        #expect(Set(en.keys).subtracting(vi.keys).sorted() == [], "in en.json only")
        for (lang, c) in [("vi", vi), ("en", en)] {
            #expect(c.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys.sorted() == [], "empty in \(lang)")
        }
        var used: Set<String> = [], prefixes: Set<String> = [], counted: Set<String> = []
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".js") }
        #expect(files.count > 5)
        let patterns = [
            #"data-i18n(?:-[a-z]+)?="([a-zA-Z0-9_.-]+)""#, #"\bt\(\s*"([a-zA-Z0-9_.-]+)""#, #"\bt\(\s*'([a-zA-Z0-9_.-]+)'"#,
        ]
        for f in files {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(f), encoding: .utf8)
            for p in patterns {
                for m in text.matches(of: try Regex(p, as: (Substring, Substring).self)) { used.insert(String(m.1)) }
            }
            for m in text.matches(of: try Regex(#"\bt\(\s*`([a-zA-Z0-9_.-]+)\$\{"#, as: (Substring, Substring).self)) { prefixes.insert(String(m.1)) }
            for m in text.matches(of: try Regex(#"\btn\(\s*"([a-zA-Z0-9_.-]+)""#, as: (Substring, Substring).self)) { counted.insert(String(m.1)) }
        }
        #expect(used.count > 50)
        #expect(used.subtracting(vi.keys).sorted() == [], "used but missing from vi.json")
        #expect(used.subtracting(en.keys).sorted() == [], "used but missing from en.json")
        for p in prefixes.sorted() { #expect(vi.keys.contains { $0.hasPrefix(p) }, "no key under \(p)") }
        #expect(counted.count >= 10)
        for (lang, c) in [("vi", vi), ("en", en)] {
            #expect(counted.filter { c["\($0).other"] == nil && c[$0] == nil }.sorted() == [], "counted but missing from \(lang).json")
            // English says "1 region", not "1 regions": each counted noun has its singular.
            if lang == "en" { #expect(counted.filter { c["\($0).one"] == nil }.sorted() == [], "no singular in en.json") }
        }
    }
}
