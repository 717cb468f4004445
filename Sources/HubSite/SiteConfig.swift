import Foundation
import HubDevices
import HubModel
import Yams

/// One hub's configuration: where it is, where it stores, what it serves, and which devices it reads.
public struct SiteConfig: Sendable, Equatable {
    public var site: String
    /// Which store the hub keeps its records in (`store:`; the SQLite file unless `kind: postgres`).
    public var store: StoreSettings
    /// The SQLite file, or with PostgreSQL `<data>/niihub` (not a file): the hub's local files, the
    /// scanner images (`<name>-blobs/`) and the first-start credential, sit beside it.
    public var storePath: String
    public var httpHost: String
    public var httpPort: Int
    /// HTTPS instead of HTTP: the certificate and key files.
    public var tls: TLSFiles?
    /// Failed logins tolerated before a name or address must wait.
    public var loginLimits: LoginLimits
    /// Seconds an HTTP connection may sit without a request before the hub closes it (`http.idleTimeoutS`).
    public var httpIdleTimeoutS: Int = 60
    /// Seconds between the pings the hub sends a WebSocket client; one left unanswered by the next
    /// closes the socket (`http.webSocketPingS`).
    public var webSocketPingS: Int = 30
    /// Browser origins besides the hub's own that may log in and open the live socket
    /// (`http.allowedOrigins`, each `scheme://host[:port]`).
    public var allowedOrigins: [String] = []
    /// Reverse proxies whose forwarding header gives the client's address (`http.trustedProxies`).
    public var trustedProxies = TrustedProxies()
    /// Limits on credentials (`auth:`).
    public var auth = AuthSettings()
    public var devices: [DeviceInstance]
    /// Attach USB devices whose own ids match a profile, without a site entry.
    public var usbAutoAttach: Bool
    /// How far around a portal occupancy a lane's reads belong to the same vehicle (seconds).
    public var passageBeforeS: Double
    public var passageAfterS: Double
    public var passageGapS: Double
    /// How far two devices' clocks may disagree (`passages.clockToleranceS`, seconds).
    public var passageClockToleranceS: Double = 0.5
    /// The shortest vehicle plus the least gap the lanes carry (`passages.minVehicleLengthM`, metres).
    public var passageMinVehicleLengthM: Double = 10
    /// The fastest a vehicle moves in a lane (`passages.maxSpeedKmh`).
    public var passageMaxSpeedKmh: Double = 30
    /// How long after a passage is stored late evidence still joins it (`passages.lateS`, seconds).
    public var passageLateS: Double = 3600
    /// When an occupancy whose end never comes is closed, after it began (`passages.maxOccupancyS`, seconds).
    public var passageMaxOccupancyS: Double = 600
    /// The risk policy file (YAML), if the site has its own.
    public var riskPolicyPath: String?
    /// Where the feed of risk assessments is posted.
    public var feedWebhook: URL?
    /// For an `https://` webhook: PEM certificates its certificate must chain to (`feed.caFile`),
    /// instead of the system's roots.
    public var feedCAFile: String? = nil
    /// Named transit routes a declaration may give instead of a corridor: name → [[lat, lon]…].
    public var routes: [String: [[Double]]]
    /// Where this hub forwards its events (a gate to a central hub), if anywhere.
    public var forward: ForwardConfig?
    /// How long events and raw records are kept (nil: for ever, nothing is purged).
    public var retention: RetentionPolicy? = nil
    /// Every profile found, by model.
    public var profiles: [String: DeviceProfile]
    /// The folder they were read from.
    public var profilesDir: String
    /// The file this was read from.
    public var file: String
    /// How the console shows the site: time zone, map tiles, where its files are (`console:`).
    public var console = ConsoleSettings()
    /// Central image review: time limits per lane, the share of clears re-checked (`review:`).
    public var review = ReviewSettings()
    /// On a central hub: the departments and their gates, for the national view (`national:`).
    public var national = NationalConfig()
    /// This hub among several sharing one PostgreSQL store (`store.replica`, `store.leaseS`).
    public var replica = ReplicaSettings()
    /// Relays at the lanes the hub switches on an alarm and releases on its acknowledgement (`relays:`).
    public var relays: [LaneRelaySettings] = []
    /// Who hears of which events, by e-mail or webhook (`notifications:`).
    public var notifications = NotificationSettings()
    /// The daily per-lane report: where it is kept, the hour it is written, its subscribers (`reports:`);
    /// nil writes none.
    public var reports: ReportSettings? = nil
    /// Commands to GPS e-seals and trackers: the answer timeout, the destination zone (`sealCommands:`).
    public var sealCommands = SealCommandSettings()
    /// The key and certificate signed inspection packages are signed with (`packages:`); nil: the
    /// API does not export them (`niihub package export` takes its own).
    public var packageSigning: PackageSigningFiles? = nil
    /// Partner administrations whose signed packages `POST /api/v1/packages` accepts (`partners:`);
    /// empty: the hub receives none.
    public var partners: [PartnerTrust] = []
    /// A folder whose partner packages are received like `POST /api/v1/packages` (`partnerInbox:`).
    public var partnerInbox: String? = nil
}

/// How a hub shares a PostgreSQL store with other replicas of itself.
public struct ReplicaSettings: Sendable, Equatable {
    /// Its name in leases, notices and logs (`store.replica`); nil: `host:pid`.
    public var name: String?
    /// How long a lease outlives its last renewal (`store.leaseS`): the longest a dead replica's
    /// correlation waits for another to take it over.
    public var leaseS: Double = 15

    public init(name: String? = nil, leaseS: Double = 15) {
        self.name = name
        self.leaseS = leaseS
    }
}

extension SiteConfig {
    /// Reads a site config and the profiles its devices use. Relative paths are relative to the
    /// config file; profiles come from `profilesDir`, else the config's `profiles:`, else
    /// `DeviceProfiles/` beside the config.
    public static func load(path: String, profilesDir: String? = nil, knownProtocols: KnownProtocols? = nil) throws
        -> SiteConfig
    {
        let (raw, node) = try YAMLDocument.loadWithNode(RawSiteConfig.self, path: path)
        let base = URL(fileURLWithPath: path).absoluteURL.deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardized.path }
        let dir = profilesDir ?? raw.profiles.map(resolve) ?? resolve("DeviceProfiles")
        let catalog = try ProfileCatalog.load(directory: dir, knownProtocols: knownProtocols)
        var devices: [DeviceInstance] = []
        var seen: Set<String> = []
        for (i, d) in raw.devices.enumerated() {
            func fail(_ field: String, _ message: String) -> ConfigError {
                let at: [any CodingKey] = [AnyKey(stringValue: "devices"), IndexKey(i), AnyKey(stringValue: field)]
                return YAMLDocument.error(at: at, message: message, in: node, file: path)
            }
            guard seen.insert(d.id).inserted else { throw fail("id", "duplicate device id '\(d.id)'") }
            guard let profile = catalog.profiles[d.profile] else {
                let known = catalog.profiles.keys.sorted().joined(separator: ", ")
                throw fail("profile", "unknown profile '\(d.profile)'; profiles in \(dir): \(known)")
            }
            var serial = profile.transport.serial
            if let overrides = d.serial {
                guard let s = serial else { throw fail("serial", "profile '\(profile.model)' is not a serial device") }
                serial = s.applying(overrides)
            }
            switch profile.transport.kind {
            case .serial:
                if d.port == nil, d.usb == nil {
                    throw fail("port", "a serial device needs 'port:' (its /dev path) or 'usb:' (its serial number or path)")
                }
            case .tcp:
                if d.listen == nil, d.connect == nil {
                    throw fail("listen", "a TCP device needs 'listen: host:port' or 'connect: host:port'")
                }
            case .udp:
                if d.listen == nil { throw fail("listen", "a UDP device needs 'listen: host:port'") }
            case .file:
                if d.folder == nil { throw fail("folder", "a file-drop device needs 'folder:' (where it writes)") }
            }
            if d.admission != nil, d.listen == nil {
                throw fail("admission", "'admission:' applies to devices that dial in ('listen: host:port')")
            }
            if d.position != nil, d.lane == nil {
                throw fail("position", "'position:' is metres along the device's lane; give 'lane:' too")
            }
            devices.append(
                DeviceInstance(
                    id: d.id, profile: profile, site: d.site ?? raw.site, lane: d.lane, port: d.port.map(resolve),
                    serial: serial, utcOffsetSeconds: d.utcOffsetMinutes * 60, enabled: d.enabled, listen: d.listen,
                    connect: d.connect, folder: d.folder.map(resolve), usbPin: d.usb, allowedUnits: d.units,
                    admission: d.admission, position: d.position))
        }
        var tls: TLSFiles?
        if let t = raw.tls {
            let files = TLSFiles(certificatePath: resolve(t.certificate), keyPath: resolve(t.key))
            if let problem = files.problem() {
                throw YAMLDocument.error(
                    at: [AnyKey(stringValue: "tls"), AnyKey(stringValue: problem.field)], message: problem.message, in: node,
                    file: path)
            }
            tls = files
        }
        let forward = try raw.forward?.resolved(resolve) { field, message in
            YAMLDocument.error(
                at: [AnyKey(stringValue: "forward"), AnyKey(stringValue: field)], message: message, in: node, file: path)
        }
        let feedCAFile = try raw.feed.webhook.flatMap { url in
            try OutboundURL.caFile(raw.feed.caFile, for: url, resolve) {
                YAMLDocument.error(
                    at: [AnyKey(stringValue: "feed"), AnyKey(stringValue: "caFile")], message: $0, in: node, file: path)
            }
        }
        let store = try raw.store.settings(resolve) {
            YAMLDocument.error(at: [AnyKey(stringValue: "store"), AnyKey(stringValue: "url")], message: $0, in: node, file: path)
        }
        let notifications = try raw.notifications.resolved(resolve) { at, message in
            YAMLDocument.error(at: [AnyKey(stringValue: "notifications")] + at, message: message, in: node, file: path)
        }
        var config = SiteConfig(
            site: raw.site, store: store, storePath: raw.store.localPath(resolve), httpHost: raw.http.host, httpPort: raw.http.port,
            tls: tls, loginLimits: raw.login, httpIdleTimeoutS: raw.http.idleTimeoutS, webSocketPingS: raw.http.webSocketPingS,
            allowedOrigins: raw.http.allowedOrigins, trustedProxies: raw.http.trustedProxies, auth: raw.auth,
            devices: devices, usbAutoAttach: raw.usb.autoAttach, passageBeforeS: raw.passages.beforeS,
            passageAfterS: raw.passages.afterS, passageGapS: raw.passages.gapS,
            passageClockToleranceS: raw.passages.clockToleranceS, passageMinVehicleLengthM: raw.passages.minVehicleLengthM,
            passageMaxSpeedKmh: raw.passages.maxSpeedKmh, passageLateS: raw.passages.lateS,
            passageMaxOccupancyS: raw.passages.maxOccupancyS,
            riskPolicyPath: raw.risk.policy.map(resolve), feedWebhook: raw.feed.webhook, feedCAFile: feedCAFile,
            routes: raw.routes,
            forward: forward, retention: raw.retention?.policy, profiles: catalog.profiles,
            profilesDir: dir,
            file: path, console: raw.console.resolvingAssets(resolve), review: raw.review, national: raw.national,
            replica: ReplicaSettings(name: raw.store.replica, leaseS: raw.store.leaseS),
            relays: try Self.relays(raw.relays, devices: devices, resolve: resolve) { i, field, message in
                YAMLDocument.error(
                    at: [AnyKey(stringValue: "relays"), IndexKey(i), AnyKey(stringValue: field)], message: message, in: node, file: path)
            },
            reports: raw.reports.map { r in
                var r = r
                r.folder = resolve(r.folder)
                return r
            })
        config.notifications = notifications
        config.sealCommands = raw.sealCommands
        if let p = raw.packages {
            let files = PackageSigningFiles(keyPath: resolve(p.key), certificatePath: resolve(p.certificate))
            if let problem = files.problem() {
                throw YAMLDocument.error(
                    at: [AnyKey(stringValue: "packages"), AnyKey(stringValue: problem.field)], message: problem.message, in: node, file: path)
            }
            config.packageSigning = files
        }
        config.partners = try Self.partners(raw.partners, resolve: resolve) { i, field, message in
            YAMLDocument.error(
                at: [AnyKey(stringValue: "partners"), IndexKey(i), AnyKey(stringValue: field)], message: message, in: node, file: path)
        }
        config.partnerInbox = raw.partnerInbox.map(resolve)
        return config
    }

    /// The relays with their ports resolved; an id used twice (by two relays, or a relay and a
    /// device: both are rows of the device list) fails at the relay's `id`.
    static func relays(
        _ raw: [LaneRelaySettings], devices: [DeviceInstance], resolve: (String) -> String,
        fail: (Int, String, String) -> ConfigError
    ) throws -> [LaneRelaySettings] {
        var seen = Set(devices.map(\.id))
        var boards: [String: LaneRelaySettings] = [:]
        return try raw.enumerated().map { i, r in
            guard seen.insert(r.id).inserted else { throw fail(i, "id", "duplicate id '\(r.id)' (device and relay ids share one list)") }
            var r = r
            r.port = resolve(r.port)
            // Relays on one port are channels of one board: the same kind of board, at one speed.
            if let first = boards[r.port], first.board != r.board || first.serial != r.serial {
                throw fail(i, "port", "'\(first.id)' drives this port as another board or at other serial settings")
            }
            if let taken = devices.first(where: { $0.port == r.port }) {
                throw fail(i, "port", "device '\(taken.id)' reads this port")
            }
            boards[r.port] = boards[r.port] ?? r
            return r
        }
    }
}

/// The site file as written, checked field by field.
struct RawSiteConfig: Decodable {
    var site: String
    var profiles: String?
    var store: RawStore
    var http: HTTP
    var usb: USB
    var passages: Passages
    var risk: Risk
    var feed: Feed
    var forward: RawForward?
    var routes: [String: [[Double]]]
    var retention: RawRetention?
    var devices: [RawDevice]
    var tls: RawTLS?
    var login: LoginLimits
    var auth: AuthSettings
    var console: ConsoleSettings
    var review: ReviewSettings
    var national: NationalConfig
    var relays: [LaneRelaySettings]
    var notifications: RawNotifications
    var reports: ReportSettings?
    var sealCommands: SealCommandSettings
    var packages: RawPackageSigning?
    var partners: [RawPartner]
    var partnerInbox: String?

    struct Risk: Decodable {
        var policy: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case policy }
        init() {}
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            policy = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .policy)
        }
    }

    struct Feed: Decodable {
        var webhook: URL?
        var caFile: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case webhook, caFile }
        init() {}
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            webhook = try c.decodeIfPresent(
                String.self, forKey: .webhook, where: OutboundURL.isValid, expected: "an http:// or https:// URL"
            ).flatMap(URL.init(string:))
            caFile = try c.decodeIfPresent(String.self, forKey: .caFile, where: { !$0.isEmpty }, expected: "a PEM file path")
            if caFile != nil, webhook == nil {
                throw InvalidValue(codingPath: c.codingPath + [CodingKeys.caFile], message: "'caFile' is for the webhook; give 'webhook:' too")
            }
        }
    }

    struct Passages: Decodable {
        var beforeS = 60.0
        var afterS = 120.0
        var gapS = 30.0
        var clockToleranceS = 0.5
        var minVehicleLengthM = 10.0
        var maxSpeedKmh = 30.0
        var lateS = 3600.0
        var maxOccupancyS = 600.0
        enum CodingKeys: String, CodingKey, CaseIterable {
            case beforeS, afterS, gapS, clockToleranceS, minVehicleLengthM, maxSpeedKmh, lateS, maxOccupancyS
        }
        init() {}
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // A number in `range` (NaN is in none), or the default when the key is absent.
            func value(_ key: CodingKeys, _ fallback: Double, _ range: ClosedRange<Double>, _ unit: String) throws -> Double {
                let words = "\(unit) from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound))"
                return try c.decode(Double.self, forKey: key, default: fallback, where: range.contains, expected: words)
            }
            beforeS = try value(.beforeS, 60, 0...3600, "seconds")
            afterS = try value(.afterS, 120, 0...3600, "seconds")
            gapS = try value(.gapS, 30, 0...3600, "seconds")
            clockToleranceS = try value(.clockToleranceS, 0.5, 0...10, "seconds")
            minVehicleLengthM = try value(.minVehicleLengthM, 10, 2...40, "metres")
            maxSpeedKmh = try value(.maxSpeedKmh, 30, 1...120, "km/h")
            lateS = try value(.lateS, 3600, 0...86_400, "seconds")
            maxOccupancyS = try value(.maxOccupancyS, 600, 10...3600, "seconds")
        }

        /// `3600`, not `3600.0`, in a message.
        private static func text(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
    }

    struct USB: Decodable {
        var autoAttach = true
        enum CodingKeys: String, CodingKey, CaseIterable { case autoAttach }
        init() {}
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            autoAttach = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Bool.self, forKey: .autoAttach) ?? true
        }
    }

    struct HTTP: Decodable {
        var host = "127.0.0.1"
        var port = 8080
        var idleTimeoutS = 60
        var webSocketPingS = 30
        var allowedOrigins: [String] = []
        var trustedProxies = TrustedProxies()
        enum CodingKeys: String, CodingKey, CaseIterable {
            case host, port, idleTimeoutS, webSocketPingS, allowedOrigins, trustedProxies, forwardedHeader
        }
        init() {}
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            host = try c.decode(String.self, forKey: .host, default: "127.0.0.1", where: { !$0.isEmpty },
                                expected: "a host name or address")
            port = try c.decode(Int.self, forKey: .port, default: 8080, where: (0...65535).contains,
                                expected: "a TCP port from 0 to 65535")
            let header = try c.decodeIfPresent(
                String.self, forKey: .forwardedHeader, where: { TrustedProxies.Header(rawValue: $0) != nil },
                expected: "x-forwarded-for or forwarded"
            ).flatMap(TrustedProxies.Header.init(rawValue:)) ?? .xForwardedFor
            let proxies = try c.decodeIfPresent(
                [String].self, forKey: .trustedProxies, where: { TrustedProxies($0) != nil },
                expected: "a list of IP addresses or CIDR blocks, e.g. [127.0.0.1, 10.0.0.0/8]") ?? []
            trustedProxies = TrustedProxies(proxies, header: header) ?? TrustedProxies()
            idleTimeoutS = try c.decode(Int.self, forKey: .idleTimeoutS, default: 60, where: (1...3600).contains,
                                        expected: "seconds from 1 to 3600")
            webSocketPingS = try c.decode(Int.self, forKey: .webSocketPingS, default: 30, where: (1...600).contains,
                                          expected: "seconds from 1 to 600")
            allowedOrigins = try c.decodeIfPresent(
                [String].self, forKey: .allowedOrigins, where: { $0.allSatisfy(Self.isOrigin) },
                expected: "origins like https://console.example.gov.vn (scheme, host, optional port; no path)") ?? []
        }

        /// `http://host[:port]` or `https://host[:port]`, as a browser sends it in `Origin`.
        static func isOrigin(_ text: String) -> Bool {
            guard let u = URLComponents(string: text), let scheme = u.scheme, ["http", "https"].contains(scheme),
                let host = u.host, !host.isEmpty, u.path.isEmpty, u.query == nil, u.fragment == nil, u.user == nil
            else { return false }
            return true
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case site, profiles, store, http, usb, passages, risk, feed, forward, routes, retention, devices, tls, login, auth
        case console, review, national, relays, notifications, reports, sealCommands, packages, partners, partnerInbox
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        site = try c.decode(String.self, forKey: .site, where: Identifier.isValid, expected: Identifier.expected)
        profiles = try c.decodeIfPresent(String.self, forKey: .profiles)
        store = try c.decodeIfPresent(RawStore.self, forKey: .store) ?? RawStore()
        http = try c.decodeIfPresent(HTTP.self, forKey: .http) ?? HTTP()
        usb = try c.decodeIfPresent(USB.self, forKey: .usb) ?? USB()
        passages = try c.decodeIfPresent(Passages.self, forKey: .passages) ?? Passages()
        risk = try c.decodeIfPresent(Risk.self, forKey: .risk) ?? Risk()
        feed = try c.decodeIfPresent(Feed.self, forKey: .feed) ?? Feed()
        forward = try c.decodeIfPresent(RawForward.self, forKey: .forward)
        routes = try c.decodeIfPresent(
            [String: [[Double]]].self, forKey: .routes,
            where: { $0.values.allSatisfy { r in r.count >= 2 && r.allSatisfy { $0.count == 2 && abs($0[0]) <= 90 && abs($0[1]) <= 180 } } },
            expected: "for each route name, at least two [lat, lon] points in degrees") ?? [:]
        retention = try c.decodeIfPresent(RawRetention.self, forKey: .retention)
        devices = try c.decodeIfPresent([RawDevice].self, forKey: .devices) ?? []
        tls = try c.decodeIfPresent(RawTLS.self, forKey: .tls)
        login = try c.decodeIfPresent(LoginLimits.self, forKey: .login) ?? LoginLimits()
        auth = try c.decodeIfPresent(AuthSettings.self, forKey: .auth) ?? AuthSettings()
        console = try c.decodeIfPresent(ConsoleSettings.self, forKey: .console) ?? ConsoleSettings()
        review = try c.decodeIfPresent(ReviewSettings.self, forKey: .review) ?? ReviewSettings()
        national = try c.decodeIfPresent(NationalConfig.self, forKey: .national) ?? NationalConfig()
        relays = try c.decodeIfPresent([LaneRelaySettings].self, forKey: .relays) ?? []
        notifications = try c.decodeIfPresent(RawNotifications.self, forKey: .notifications) ?? RawNotifications()
        reports = try c.decodeIfPresent(ReportSettings.self, forKey: .reports)
        sealCommands = try c.decodeIfPresent(SealCommandSettings.self, forKey: .sealCommands) ?? SealCommandSettings()
        packages = try c.decodeIfPresent(RawPackageSigning.self, forKey: .packages)
        partners = try c.decodeIfPresent([RawPartner].self, forKey: .partners) ?? []
        partnerInbox = try c.decodeIfPresent(String.self, forKey: .partnerInbox, where: { !$0.isEmpty }, expected: "a folder path")
        if partnerInbox != nil, partners.isEmpty {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.partnerInbox], message: "'partnerInbox' receives partners' packages; name them in 'partners:'")
        }
    }
}

struct RawDevice: Decodable {
    var id: String
    var profile: String
    var site: String?
    var lane: String?
    var port: String?
    var serial: SerialOverrides?
    var utcOffsetMinutes: Int
    var enabled: Bool
    var listen: NetworkAddress?
    var connect: NetworkAddress?
    var folder: String?
    var usb: USBPin?
    var units: [String]?
    var admission: AdmissionPolicy?
    var position: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, profile, site, lane, port, serial, utcOffsetMinutes, enabled, listen, connect, folder, usb, units, admission
        case position
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id, where: Identifier.isValid, expected: Identifier.expected)
        profile = try c.decode(String.self, forKey: .profile)
        site = try c.decodeIfPresent(String.self, forKey: .site, where: Identifier.isValid, expected: Identifier.expected)
        lane = try c.decodeIfPresent(String.self, forKey: .lane, where: { !$0.isEmpty && $0.count <= 32 },
                                     expected: "a lane name of 1 to 32 characters")
        port = try c.decodeIfPresent(String.self, forKey: .port, where: { !$0.isEmpty }, expected: "a device path")
        serial = try c.decodeIfPresent(SerialOverrides.self, forKey: .serial)
        utcOffsetMinutes = try c.decode(Int.self, forKey: .utcOffsetMinutes, default: 0,
                                        where: (-14 * 60...14 * 60).contains, expected: "minutes from -840 to 840")
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        let address = { (s: String) in NetworkAddress(s) != nil }
        let words = "host:port, e.g. 127.0.0.1:5023 or [::1]:5023"
        listen = try c.decodeIfPresent(String.self, forKey: .listen, where: address, expected: words).flatMap(NetworkAddress.init)
        connect = try c.decodeIfPresent(String.self, forKey: .connect, where: address, expected: words).flatMap(NetworkAddress.init)
        folder = try c.decodeIfPresent(String.self, forKey: .folder, where: { !$0.isEmpty }, expected: "a folder path")
        usb = try c.decodeIfPresent(RawUSBPin.self, forKey: .usb)?.pin
        units = try c.decodeIfPresent(
            [String].self, forKey: .units, where: { $0.allSatisfy { !$0.isEmpty && $0.count <= 32 } },
            expected: "a list of unit ids (IMEIs)")
        admission = try c.decodeIfPresent(
            String.self, forKey: .admission, where: { AdmissionPolicy(rawValue: $0) != nil },
            expected: "known, quarantine or open"
        ).flatMap(AdmissionPolicy.init(rawValue:))
        position = try c.decodeIfPresent(
            Double.self, forKey: .position, where: (-500...500).contains,
            expected: "metres along the lane from the portal monitor, -500 to 500 (negative before it)")
    }
}

struct RawUSBPin: Decodable {
    var pin: USBPin
    enum CodingKeys: String, CodingKey, CaseIterable { case serial, path, interface }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pin = USBPin(
            serial: try c.decodeIfPresent(String.self, forKey: .serial),
            path: try c.decodeIfPresent(String.self, forKey: .path),
            interface: try c.decodeIfPresent(String.self, forKey: .interface))
        guard pin.serial != nil || pin.path != nil else {
            throw InvalidValue(codingPath: decoder.codingPath, message: "expected 'serial:' or 'path:' to name the unit")
        }
    }
}

struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ i: Int) { intValue = i }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
