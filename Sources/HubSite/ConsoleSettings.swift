import Foundation
import HubDevices

/// The site config's `console:` section: how the hub's screens show this site.
public struct ConsoleSettings: Sendable, Equatable {
    /// The IANA zone times are shown in (`console.timeZone`); the API itself stays in UTC. Absent:
    /// the host's zone.
    public var timeZone: String = TimeZone.current.identifier
    /// An intranet tile server for the transit map (`console.mapTiles`, a Leaflet URL template with
    /// `{z}`, `{x}` and `{y}`); nil draws corridors and tracks on a blank base.
    public var mapTiles: String?
    /// The folder holding the console's files (`console.assets`, relative to the config file); nil
    /// lets the hub look for them (beside its executable, then `/usr/share/niihub/console`).
    public var assets: String?

    public init(timeZone: String? = nil, mapTiles: String? = nil, assets: String? = nil) {
        if let timeZone { self.timeZone = timeZone }
        self.mapTiles = mapTiles
        self.assets = assets
    }

    /// `http(s)://…` with `{z}`, `{x}` and `{y}`: what Leaflet's tile layer fills in.
    static func isTileTemplate(_ text: String) -> Bool {
        (text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("/"))
            && ["{z}", "{x}", "{y}"].allSatisfy(text.contains)
    }
}

extension ConsoleSettings: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case timeZone, mapTiles, assets }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let zone = try c.decodeIfPresent(
            String.self, forKey: .timeZone, where: { TimeZone(identifier: $0) != nil },
            expected: "an IANA time zone like Asia/Ho_Chi_Minh")
        let tiles = try c.decodeIfPresent(
            String.self, forKey: .mapTiles, where: Self.isTileTemplate,
            expected: "a tile URL like http://tiles.example.gov.vn/{z}/{x}/{y}.png")
        let assets = try c.decodeIfPresent(String.self, forKey: .assets, where: { !$0.isEmpty }, expected: "a folder")
        self.init(timeZone: zone, mapTiles: tiles, assets: assets)
    }
}

extension ConsoleSettings {
    /// The same settings with `assets` relative to the config file's folder.
    func resolvingAssets(_ resolve: (String) -> String) -> ConsoleSettings {
        var s = self
        s.assets = assets.map(resolve)
        return s
    }
}
