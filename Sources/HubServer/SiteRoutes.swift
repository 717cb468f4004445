import Foundation
import Hummingbird
import HubCorrelation
import HubDevices
import HubSite
import HubModel
import HubStore
import NIOCore

/// The site as it runs: the health check, devices and their state, active transits, and the loaded
/// configuration.
struct SiteRoutes: RouteController {
    let store: any EventStore
    let registry: DeviceRegistry
    let site: String
    let config: ConfigState?
    /// Active transits for the map, from the transit watch (of the replica correlating the site);
    /// as `TransitMapJSON` writes them; nil when no replica answered.
    let transits: (@Sendable () async -> Data?)?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/healthz", .open,
            doc: .init(
                summary: "Health: store counts and devices by state.",
                response: S.object(
                    ["status": S.string, "site": S.string,
                     "store": S.object(["events": S.integer, "rawRecords": S.integer, "rawBytes": S.integer]),
                     "storeError": S.string, "devices": ["type": "object", "additionalProperties": S.integer]],
                    required: ["status", "site", "devices"]))
        ) { _, _ in try await health() }
        routes.get(
            "/api/v1/devices", .people,
            doc: .init(
                summary: "Devices and their state.", response: S.object(["devices": S.array(S.ref("Device"))], required: ["devices"]))
        ) { _, _ in
            struct Body: Encodable { var devices: [DeviceRegistry.Status] }
            return try JSONResponse.make(Body(devices: registry.all()))
        }
        routes.get(
            "/api/v1/transits", .people,
            doc: .init(
                summary: "Active GPS-sealed transits: corridor, tolerance, recent track, position and status.",
                response: S.object(["transits": S.array(S.ref("Transit"))], required: ["transits"]))
        ) { _, _ in
            guard let transits else { return try JSONResponse.make(["transits": [TransitPicture]()]) }
            guard let pictures = await transits() else {
                return JSONResponse.error(.serviceUnavailable, HolderDeskWords.noAnswer("the transits"))
            }
            // The pictures as their watcher wrote them (here, or on the replica that correlates).
            var body = Data(#"{"transits":"#.utf8)
            body.append(pictures)
            body.append(contentsOf: Array("}\n".utf8))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        routes.get(
            "/api/v1/config", .people,
            doc: .init(
                summary: "The loaded site configuration.",
                response: S.object(
                    ["file": S.string, "site": S.string, "devices": S.strings, "profiles": S.strings,
                     "timeZone": S.string, "mapTiles": S.string,
                     "lastReload": S.object(["trigger": S.string, "applied": S.boolean, "error": S.string, "at": S.time, "change": ["type": "object"]])],
                    required: ["devices", "profiles"]))
        ) { _, _ in
            struct Body: Encodable {
                var file: String?
                var site: String?
                var devices: [String]
                var profiles: [String]
                var lastReload: ConfigState.Reload?
                /// For the console: the zone times are shown in, and the intranet map tiles, if any.
                var timeZone: String
                var mapTiles: String?
            }
            let current = config?.current
            return try JSONResponse.make(
                Body(
                    file: current?.file, site: current?.site, devices: current?.devices.map(\.id) ?? [],
                    profiles: current.map { Array($0.profiles.keys).sorted() } ?? [], lastReload: config?.lastReload,
                    timeZone: current?.console.timeZone ?? TimeZone.current.identifier, mapTiles: current?.console.mapTiles))
        }
    }

    private func health() async throws -> Response {
        struct Body: Encodable {
            var status: String
            var site: String
            var store: StoreCounts?
            var storeError: String?
            var devices: [String: Int]
        }
        var byState: [String: Int] = [:]
        for d in registry.all() { byState[d.state.rawValue, default: 0] += 1 }
        do {
            let counts = try await store.counts()
            return try JSONResponse.make(Body(status: "ok", site: site, store: counts, devices: byState))
        } catch {
            return try JSONResponse.make(
                Body(status: "store unavailable", site: site, storeError: "\(error)", devices: byState),
                status: .serviceUnavailable)
        }
    }
}
