/// What the hub's transit watch found about a sealed transit (`transit.deviation`, `transit.stop`,
/// …): the finding, a sentence saying why, and where it was when the finding was about a place.
public struct TransitFindingPayload: EventPayloadBody {
    /// Every finding the watch makes, as `transit.<finding>` kinds.
    public static let findings = [
        "deviation", "returned", "stop", "seal", "signal-lost", "signal-regained", "overdue", "arrived",
    ]
    public static let kinds = findings.map { EventKind.transit($0) }

    /// The finding (`deviation`, `signal-lost`, …): the kind without its `transit.` prefix. A
    /// string, since a store may hold findings a later watch adds.
    public var finding: String
    /// Why, for the operator (`"412 m off the corridor for 3 fixes (buffer 250 m)"`).
    public var detail: String
    /// Where the finding was made, degrees (WGS 84); both or neither.
    public var lat: Double?
    public var lon: Double?
    /// Metres from the corridor, for a deviation (rounded to the metre by the watch).
    public var distanceM: Double?

    public init(finding: String, detail: String, lat: Double? = nil, lon: Double? = nil, distanceM: Double? = nil) {
        self.finding = finding
        self.detail = detail
        if let lat, let lon {
            self.lat = lat
            self.lon = lon
        }
        self.distanceM = distanceM
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        finding = try f.string("finding")
        detail = try f.string("detail")
        lat = try f.optionalDouble("lat")
        lon = try f.optionalDouble("lon")
        distanceM = try f.optionalDouble("distanceM")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var out: [String: JSONValue] = ["finding": .string(finding), "detail": .string(detail)]
        if let lat, let lon {
            out["lat"] = .double(lat)
            out["lon"] = .double(lon)
        }
        out.put("distanceM", distanceM)
        return out
    }

    public var payload: EventPayload { .transitFinding(self) }
}
