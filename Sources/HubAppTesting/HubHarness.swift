import Foundation
import HubApp
import HubDevices
import HubDrivers
import HubServer
import HubSite
import HubTesting
import HummingbirdWSClient
import Logging
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A whole hub started in-process on a temporary site: a real SQLite file, a real serial device
/// path (a pseudo-terminal link), HTTP on an ephemeral loopback port.
public final class HubHarness: Sendable {
    public let dir: TemporaryDirectory
    public let hub: HubApplication
    public let port: Int
    public let devicePath: String
    /// The admin API token the hub made on its first start; the request helpers send it.
    public let adminToken: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public static let serialRPM = """
          - id: rpm-lane1
            profile: rapiscan-rpm
            lane: "1"
            port: rpm-lane1
        """

    /// A hub whose site has `devices` (YAML list items). `profiles` are written beside the
    /// repository's own (file name → YAML), for transports and timings a test needs.
    /// `store` is the site file's `store:` block (a SQLite file in the folder unless told); a hub
    /// on a store another hub made first uses `adminToken`, that hub's first-start token.
    public convenience init(
        label: String = "hub", devices: String = serialRPM, profiles: [String: String] = [:],
        reloadPoll: Duration = .milliseconds(200), siteExtra: String = "", site: String = "e2e-gate",
        store: String = sqliteStore, adminToken: String? = nil, logger: Logger? = nil, httpExtra: String = ""
    ) async throws {
        try await self.init(
            reusing: try TemporaryDirectory(label), devices: devices, profiles: profiles, reloadPoll: reloadPoll,
            siteExtra: siteExtra, site: site, store: store, adminToken: adminToken, logger: logger, httpExtra: httpExtra)
    }

    public static let sqliteStore = "store:\n  sqlite: hub.sqlite"

    /// A hub started again on the folder (store, inbox, profiles) of an earlier one. `logger` replaces
    /// the quiet default (a test that reads what the hub logs).
    public init(
        reusing dir: TemporaryDirectory, devices: String = serialRPM, profiles: [String: String] = [:],
        reloadPoll: Duration = .milliseconds(200), siteExtra: String = "", site: String = "e2e-gate",
        store: String = sqliteStore, adminToken: String? = nil, logger: Logger? = nil, httpExtra: String = ""
    ) async throws {
        self.dir = dir
        devicePath = dir.path("rpm-lane1")
        try? FileManager.default.removeItem(atPath: dir.path("profiles"))
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        let shipped = Corpus.packageRoot.appendingPathComponent("DeviceProfiles")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) {
            try FileManager.default.copyItem(
                atPath: shipped.appendingPathComponent(name).path, toPath: dir.path("profiles/\(name)"))
        }
        for (name, text) in profiles { try dir.write("profiles/\(name)", text) }
        let configPath = try dir.write("site.yaml", Self.site(devices, extra: siteExtra, name: site, store: store, http: httpExtra))
        let config = try SiteConfig.load(path: configPath, knownProtocols: DriverCatalog.protocols)
        var quiet = Logger(label: "test-hub")
        quiet.logLevel = .warning
        let logger = logger ?? quiet
        // A cheap password hash: suites start many hubs, and the cost is not what they test. No
        // reload signal: a signal reaches the whole test process, every hub in it.
        let hub = try await HubApplication(
            config: config, logger: logger, reloadPoll: reloadPoll, reloadSignals: [], passwordRounds: 1000)
        self.hub = hub
        if let adminToken {
            self.adminToken = adminToken
        } else {
            self.adminToken = try AdminCredential.read(storePath: config.storePath).token
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = hub.serviceGroup { continuation.yield($0) }
        self.group = group
        task = Task { try await group.run() }
        var bound = 0
        for await p in ports {
            bound = p
            break
        }
        port = bound
    }

    /// The site file for `devices` (YAML list items). `http` is more lines of the `http:` block
    /// (indented two spaces); an `extra` with its own `http:` section replaces the default one
    /// (which it must keep on 127.0.0.1, port 0).
    public static func site(
        _ devices: String, extra: String = "", name: String = "e2e-gate", store: String = sqliteStore, http: String = ""
    ) -> String {
        let ownHTTP = extra.split(separator: "\n").contains { $0.hasPrefix("http:") }
        return """
            site: \(name)\(extra.isEmpty ? "" : "\n" + extra)
            profiles: profiles
            \(store)\(ownHTTP ? "" : "\nhttp:\n  host: 127.0.0.1\n  port: 0" + (http.isEmpty ? "" : "\n" + http))
            devices:
            \(devices)
            """
    }

    /// Stops the hub the way a signal would and waits for every service to end.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Sentinel for `request(token:)`: send the admin token.
    public static let admin = "\u{0}admin"

    /// An HTTP request with `token` as bearer (the admin's unless told; nil sends none).
    public func request(
        _ method: String, _ path: String, body: String? = nil, token: String? = admin,
        contentType: String = "application/json"
    ) async throws -> (status: Int, json: [String: Any], text: String) {
        try await request(method, path, data: body.map { Data($0.utf8) }, token: token, contentType: contentType)
    }

    /// An HTTP request with a binary body (a package, an image).
    public func request(
        _ method: String, _ path: String, data body: Data?, token: String? = admin,
        contentType: String = "application/octet-stream"
    ) async throws -> (status: Int, json: [String: Any], text: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token == Self.admin ? adminToken : token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, json, String(decoding: data, as: UTF8.self))
    }

    /// Posts `bytes` as they are (an image for the blob store), with the admin token.
    public func upload(_ path: String, bytes: [UInt8], contentType: String = "application/octet-stream") async throws -> (
        status: Int, json: [String: Any]
    ) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization")
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(bytes)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// A GET answered with bytes (a tile, a blob): status, body as it came, and the response's headers.
    public func bytes(_ path: String, token: String? = admin) async throws -> (status: Int, body: [UInt8], headers: [String: String]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        if let token { request.setValue("Bearer \(token == Self.admin ? adminToken : token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http?.allHeaderFields ?? [:] { headers[String(describing: k).lowercased()] = String(describing: v) }
        return (http?.statusCode ?? 0, [UInt8](data), headers)
    }

    public func get(_ path: String, token: String? = admin) async throws -> (status: Int, json: [String: Any]) {
        let r = try await request("GET", path, token: token)
        return (r.status, r.json)
    }

    public func post(_ path: String, _ body: String, token: String? = admin) async throws -> (status: Int, json: [String: Any]) {
        let r = try await request("POST", path, body: body, token: token)
        return (r.status, r.json)
    }

    /// A new API token of `role`, made by the admin; a gate's names the site it forwards for.
    public func token(_ role: String, owner: String? = nil) async throws -> String {
        let owner = owner.map { #", "owner": "\#($0)""# } ?? ""
        let r = try await post("/api/v1/tokens", #"{"role": "\#(role)", "label": "test \#(role)"\#(owner)}"#)
        guard let t = r.json["token"] as? String else { throw TokenError(status: r.status) }
        return t
    }

    public struct TokenError: Error { public var status: Int }

    /// A live WebSocket client with `token`: the text frames it receives, and the task that runs it
    /// (cancel it to leave). Wait for `hub.live.count` before making what it should see.
    public func liveTexts(token: String) -> (texts: AsyncStream<String>, client: Task<WebSocketCloseFrame?, any Error>) {
        let (texts, sink) = AsyncStream.makeStream(of: String.self)
        let client = Task {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/live?token=\(token)", logger: Logger(label: "ws")) {
                inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { sink.yield(text) }
                }
            }
        }
        return (texts, client)
    }

    public func events(_ query: String) async throws -> [[String: Any]] {
        try await get("/api/v1/events?\(query)").json["events"] as? [[String: Any]] ?? []
    }

    /// `device.status` states of a device, oldest first.
    public func states(_ id: String) async throws -> [String] {
        try await events("kind=device.status&device=\(id)&limit=1000").compactMap {
            ($0["data"] as? [String: Any])?["state"] as? String
        }
    }

    /// The port a listener bound (the config asks for port 0).
    public func boundPort(_ id: String) async throws -> Int? {
        guard let text = try await device(id)["port"] as? String, let colon = text.lastIndex(of: ":") else { return nil }
        return Int(text[text.index(after: colon)...])
    }

    public func device(_ id: String) async throws -> [String: Any] {
        let list = try await get("/api/v1/devices").json["devices"] as? [[String: Any]] ?? []
        return list.first { $0["id"] as? String == id } ?? [:]
    }
}

extension PseudoTerminal {
    /// Writes lines in bursts, the way a monitor's lines arrive at an accelerated pace.
    public func play(_ lines: ArraySlice<[UInt8]>, perBurst: Int = 50, pause: Duration = .milliseconds(5)) async throws {
        var i = lines.startIndex
        while i < lines.endIndex {
            let end = min(i + perBurst, lines.endIndex)
            var bytes = lines[i..<end].flatMap { $0 }[...]
            // Never block in `poll` here: the hub under test shares this process's few threads.
            let deadline = ContinuousClock.now + .seconds(10)
            while !bytes.isEmpty {
                let n = write(Array(bytes), timeoutMs: 0)
                bytes = bytes.dropFirst(n)
                if !bytes.isEmpty {
                    guard ContinuousClock.now < deadline else { throw PlayError() }
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            i = end
            try await Task.sleep(for: pause)
        }
    }

    public struct PlayError: Error {}
}
