import Foundation

/// `seal.status`: a seal's lock state or integrity alarm, as the event JSON's `data`.
public struct SealStatusPayload: EventPayloadBody {
    public static let kinds = [EventKind.sealStatus]
    public static let passageRole: PassageRole? = .namedEvidence

    /// What the seal reports (`lock`, `unlock`, `opened`, `tampered`, `cut`, `low-battery`, `shock`).
    public var status: SealStatus.Status
    /// The device's own word for the event (`DOOR`, `gt06-alarm-0x03`, …).
    public var deviceEvent: String
    /// Where it happened, WGS84 degrees north, when the report carried a position (with `lon`).
    public var lat: Double?
    /// Where it happened, WGS84 degrees east, when the report carried a position (with `lat`).
    public var lon: Double?
    /// The seal's battery, percent.
    public var batteryPercent: Int?

    public init(status: SealStatus.Status, deviceEvent: String, lat: Double? = nil, lon: Double? = nil, batteryPercent: Int? = nil) {
        self.status = status
        self.deviceEvent = deviceEvent
        // A position is both coordinates or none.
        if let lat, let lon {
            self.lat = lat
            self.lon = lon
        }
        self.batteryPercent = batteryPercent
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        status = try f.value("status", as: SealStatus.Status.self)
        deviceEvent = try f.string("deviceEvent")
        lat = try f.optionalDouble("lat")
        lon = try f.optionalDouble("lon")
        guard (lat == nil) == (lon == nil) else { throw PayloadError(field: lat == nil ? "lon" : "lat", reason: "without the other coordinate") }
        batteryPercent = try f.optionalInt("batteryPercent")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var data: [String: JSONValue] = ["status": .string(status.rawValue), "deviceEvent": .string(deviceEvent)]
        data.put("lat", lat)
        data.put("lon", lon)
        data.put("batteryPercent", batteryPercent)
        return data
    }

    public var payload: EventPayload { .sealStatus(self) }
}
