import Foundation

/// `device.status`, as the event JSON's `data`. Two writers fill different members: a tracker
/// reporting its own condition (`status` and the unit's readings) and the hub reporting a change of
/// a device's health (`state`, `previous`, `link`, …). Every member is optional; one of `status`
/// and `state` is always there.
public struct DeviceStatus: EventPayloadBody {
    public static let kinds = [EventKind.deviceStatus]
    public static let passageRole: PassageRole? = .deviceHealth

    /// A device's health as the hub sees it, most serious first where several apply: a link that is
    /// down makes the device offline whatever else is true; a tamper outranks a fault, a fault
    /// outranks silence. (`DeviceRegistry.State`.)
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Not yet connected since the hub started.
        case connecting
        /// Connected, talking, nothing wrong.
        case online
        /// The name events stored before `silent` existed gave a silent device; the hub no longer
        /// reports it, but stored events and other hubs' feeds still carry it.
        case degraded
        /// Connected, but nothing heard for longer than its profile's `maxSilenceS` (Traccar's
        /// "unknown"): an operator alarm, and not available.
        case silent
        /// The link is down (port gone, connection lost); the hub keeps retrying.
        case offline
        /// The device reports a fault of its own (e.g. a detector high or low).
        case faulted
        /// The device reports its cabinet or seal opened.
        case tampered
        /// Not started (disabled in the site config).
        case disabled
    }

    /// The transport's side of the story (`DeviceRegistry.Link`).
    public enum Link: String, Sendable, Codable {
        case connecting, up, down, disabled
    }

    // A tracker's own report.
    /// What the tracker reported: `login`, `heartbeat` or `alarm`.
    public var status: TrackerStatus.Event?
    /// The alarm's name for `alarm` (`sos`, `power-cut`, `geofence-exit`, …).
    public var alarm: String?
    /// Whether the login was accepted (false when the unit is not on the allowlist).
    public var accepted: Bool?
    /// GT06 voltage level 0 (none) … 6 (full).
    public var batteryLevel: Int?
    /// Battery, percent.
    public var batteryPercent: Int?
    /// GSM signal 0 (none) … 4 (strong).
    public var gsmSignal: Int?
    public var charging: Bool?
    public var ignition: Bool?
    /// Armed ("defence") state of the unit.
    public var armed: Bool?

    // The hub's view of a device.
    /// The device's health after the change.
    public var state: State?
    /// Its health before the change.
    public var previous: State?
    /// Its link when the change happened.
    public var link: Link?
    /// Why, in words (`link down: …`, `tamper reported by the device`).
    public var reason: String?
    /// The device's own faults active at the change (codes as it reported them).
    public var faults: [String]?
    /// When the hub last received a frame from it.
    public var lastFrameAt: Date?

    /// A tracker's report about itself.
    public init(
        status: TrackerStatus.Event, alarm: String? = nil, accepted: Bool? = nil, batteryLevel: Int? = nil,
        batteryPercent: Int? = nil, gsmSignal: Int? = nil, charging: Bool? = nil, ignition: Bool? = nil, armed: Bool? = nil
    ) {
        self.status = status
        self.alarm = alarm
        self.accepted = accepted
        self.batteryLevel = batteryLevel
        self.batteryPercent = batteryPercent
        self.gsmSignal = gsmSignal
        self.charging = charging
        self.ignition = ignition
        self.armed = armed
    }

    /// The hub's statement that a device's health changed.
    public init(
        state: State, previous: State, link: Link, reason: String? = nil, faults: [String]? = nil, lastFrameAt: Date? = nil
    ) {
        self.state = state
        self.previous = previous
        self.link = link
        self.reason = reason
        self.faults = faults
        self.lastFrameAt = lastFrameAt
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        status = try f.optionalValue("status", as: TrackerStatus.Event.self)
        alarm = try f.optionalString("alarm")
        accepted = try f.optionalBool("accepted")
        batteryLevel = try f.optionalInt("batteryLevel")
        batteryPercent = try f.optionalInt("batteryPercent")
        gsmSignal = try f.optionalInt("gsmSignal")
        charging = try f.optionalBool("charging")
        ignition = try f.optionalBool("ignition")
        armed = try f.optionalBool("armed")
        state = try f.optionalValue("state", as: State.self)
        previous = try f.optionalValue("previous", as: State.self)
        link = try f.optionalValue("link", as: Link.self)
        reason = try f.optionalString("reason")
        faults = try f.strings("faults")
        lastFrameAt = try f.optionalDate("lastFrameAt")
        guard status != nil || state != nil else { throw PayloadError(field: "status", reason: "missing, and no state either") }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var data: [String: JSONValue] = [:]
        data.put("status", status)
        data.put("alarm", alarm)
        data.put("accepted", accepted)
        data.put("batteryLevel", batteryLevel)
        data.put("batteryPercent", batteryPercent)
        data.put("gsmSignal", gsmSignal)
        data.put("charging", charging)
        data.put("ignition", ignition)
        data.put("armed", armed)
        data.put("state", state)
        data.put("previous", previous)
        data.put("link", link)
        data.put("reason", reason)
        data.put("faults", faults)
        data.put("lastFrameAt", lastFrameAt)
        return data
    }

    public var payload: EventPayload { .deviceStatus(self) }
}
