import Foundation
import HubDevices
import HubSite

/// The device profiles the hub loaded, for the admin: what each model is, the settings it fixes
/// (line settings, network and folder handling, frame size, heartbeat), and which configured devices
/// use it and where they are reached. Read-only: a profile is changed in its YAML file and a device
/// in the site file, and the hub reloads either when it changes.
struct ProfileRoutes: RouteController {
    let config: ConfigState?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        let serial = S.object(
            ["baud": ["oneOf": [S.integer, S.oneOf(["auto"])]], "bauds": S.array(S.integer), "framings": S.strings,
             "dataBits": S.integer, "parity": S.oneOf(SerialSettings.Parity.allCases.map(\.rawValue)),
             "stopBits": S.integer, "flowControl": S.oneOf(SerialSettings.FlowControl.allCases.map(\.rawValue))],
            required: ["baud", "dataBits", "parity", "stopBits", "flowControl"])
        let endpoint = S.object(
            ["kind": S.oneOf(["port", "usb", "listen", "connect", "folder"]), "address": S.string], required: ["kind", "address"])
        let device = S.object(
            ["id": S.string, "lane": S.string, "enabled": S.boolean, "endpoint": endpoint, "serial": serial],
            required: ["id", "enabled"])
        let profile = S.object(
            ["model": S.string, "name": S.string, "vendor": S.string, "family": S.string, "protocol": S.string, "file": S.string,
             "transport": S.oneOf(DeviceProfile.TransportKind.allCases.map(\.rawValue)),
             "serial": serial,
             "network": S.object(["idleTimeoutS": S.number, "maxConnections": S.integer, "maxPeers": S.integer]),
             "files": S.object(["completion": S.oneOf(["rename", "marker"]), "maxFileBytes": S.integer, "extensions": S.strings]),
             "usb": S.array(S.object(["vendorId": S.string, "productId": S.string], required: ["vendorId", "productId"])),
             "heartbeatIntervalS": S.number, "maxSilenceS": S.number, "maxFrameBytes": S.integer,
             "thresholds": ["type": "object", "additionalProperties": S.number], "devices": S.array(device)],
            required: ["model", "name", "family", "protocol", "file", "transport", "heartbeatIntervalS", "maxSilenceS", "maxFrameBytes", "devices"])
        routes.get(
            "/api/v1/profiles", .admin,
            doc: .init(
                summary: "The device profiles the hub loaded, the settings each fixes, and the configured devices that use it.",
                response: S.object(
                    ["folder": S.string, "siteFile": S.string, "profiles": S.array(profile)], required: ["folder", "siteFile", "profiles"]))
        ) { _, _ in
            try JSONResponse.make(ProfileList(config?.current))
        }
    }
}

/// `GET /api/v1/profiles`: every profile by model, each with the devices of the site that use it.
struct ProfileList: Encodable {
    struct Endpoint: Encodable {
        var kind: String
        var address: String
    }
    struct Device: Encodable {
        var id: String
        var lane: String?
        var enabled: Bool
        var endpoint: Endpoint?
        /// The line settings in force: the profile's with the site file's overrides.
        var serial: SerialSettings?
    }
    struct USB: Encodable {
        var vendorId: String
        var productId: String
    }
    struct Network: Encodable {
        var idleTimeoutS: Double
        var maxConnections: Int
        var maxPeers: Int
    }
    struct Files: Encodable {
        var completion: String
        var maxFileBytes: Int
        var extensions: [String]?
    }
    struct Profile: Encodable {
        var model: String
        var name: String
        var vendor: String?
        var family: String
        var `protocol`: String
        /// The YAML file the profile was read from: where it is changed.
        var file: String
        var transport: String
        var serial: SerialSettings?
        var network: Network?
        var files: Files?
        var usb: [USB]
        var heartbeatIntervalS: Double
        var maxSilenceS: Double
        var maxFrameBytes: Int
        var thresholds: [String: Double]
        var devices: [Device]
    }

    var folder: String
    var siteFile: String
    var profiles: [Profile]

    init(_ config: SiteConfig?) {
        folder = config?.profilesDir ?? ""
        siteFile = config?.file ?? ""
        let dir = folder
        let devices = config?.devices ?? []
        profiles = (config?.profiles.values.sorted { $0.model < $1.model } ?? []).map { p in
            let t = p.transport
            // The catalog reads `.yaml` and `.yml`; name the one that is there.
            let yaml = (dir as NSString).appendingPathComponent(p.model + ".yaml")
            let yml = (dir as NSString).appendingPathComponent(p.model + ".yml")
            return Profile(
                model: p.model, name: p.name, vendor: p.vendor, family: p.family, protocol: p.protocol,
                file: FileManager.default.fileExists(atPath: yaml) || !FileManager.default.fileExists(atPath: yml) ? yaml : yml,
                transport: t.kind.rawValue, serial: t.kind == .serial ? t.serial : nil,
                network: t.kind == .tcp || t.kind == .udp
                    ? Network(idleTimeoutS: t.network.idleTimeoutS, maxConnections: t.network.maxConnections, maxPeers: t.network.maxPeers)
                    : nil,
                files: t.kind == .file
                    ? Files(completion: t.file.completion.rawValue, maxFileBytes: t.file.maxFileBytes, extensions: t.file.extensions) : nil,
                usb: p.usb.map { USB(vendorId: $0.vendorID, productId: $0.productID) }, heartbeatIntervalS: p.heartbeatIntervalS,
                maxSilenceS: p.maxSilenceS, maxFrameBytes: p.framing.maxFrameBytes, thresholds: p.thresholds,
                devices: devices.filter { $0.profile.model == p.model }.map(Self.device))
        }
    }

    static func device(_ d: DeviceInstance) -> Device {
        let endpoint: Endpoint? =
            if let port = d.port { Endpoint(kind: "port", address: port) }
            else if let pin = d.usbPin { Endpoint(kind: "usb", address: pin.serial ?? pin.path ?? "") }
            else if let a = d.listen { Endpoint(kind: "listen", address: a.description) }
            else if let a = d.connect { Endpoint(kind: "connect", address: a.description) }
            else if let f = d.folder { Endpoint(kind: "folder", address: f) }
            else { nil }
        return Device(id: d.id, lane: d.lane, enabled: d.enabled, endpoint: endpoint, serial: d.serial)
    }
}
