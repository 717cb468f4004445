import Foundation

/// What a seal reports about itself: its lock, or an alarm about its integrity or battery.
public struct SealStatus: Sendable, Equatable {
    /// The seal conditions the hub distinguishes; the wire names are the JSON `status` values.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case locked = "lock"
        case unlocked = "unlock"
        /// The door or shackle was opened while it should be closed.
        case opened
        /// The housing or mount was tampered with (removed, disassembled).
        case tampered
        /// The rope, wire or shackle was cut.
        case cut
        case lowBattery = "low-battery"
        /// A shock or a drop strong enough to report.
        case shock
    }

    public var observedAt: Date?
    public var status: Status
    /// The seal's number (`subject.seals`), when the report names one.
    public var sealID: String?
    /// The reporting unit's own id (IMEI, seal id), which becomes the event's device id.
    public var unitID: String?
    /// Where it happened, when the report carries a valid position.
    public var lat: Double?
    public var lon: Double?
    public var batteryPercent: Int?
    /// The device's own word for the event (`DOOR`, `gt06-alarm-0x03`, …), so nothing is lost in mapping.
    public var deviceEvent: String

    public init(
        observedAt: Date?, status: Status, deviceEvent: String, sealID: String? = nil, unitID: String? = nil,
        lat: Double? = nil, lon: Double? = nil, batteryPercent: Int? = nil
    ) {
        self.observedAt = observedAt
        self.status = status
        self.deviceEvent = deviceEvent
        self.sealID = sealID
        self.unitID = unitID
        self.lat = lat
        self.lon = lon
        self.batteryPercent = batteryPercent
    }
}

/// A tracker's report about itself rather than its position or seal.
public struct TrackerStatus: Sendable, Equatable {
    public enum Event: String, Sendable, Equatable {
        /// The unit named itself on a new connection (GT06 login, Teltonika IMEI handshake).
        case login
        /// A periodic keep-alive with the unit's condition.
        case heartbeat
        /// An alarm that is about the vehicle or the unit, not the seal (SOS, power cut, geofence, overspeed).
        case alarm
    }

    public var observedAt: Date?
    public var event: Event
    public var unitID: String?
    /// Alarm name for `.alarm` (`sos`, `power-cut`, `geofence-exit`, …).
    public var alarm: String?
    /// Whether the login was accepted (false when the unit is not on the allowlist).
    public var accepted: Bool?
    /// GT06 voltage level 0 (none) … 6 (full), as the unit reports it.
    public var batteryLevel: Int?
    public var batteryPercent: Int?
    /// GSM signal 0 (none) … 4 (strong).
    public var gsmSignal: Int?
    public var charging: Bool?
    public var ignition: Bool?
    /// Armed ("defence") state of the unit.
    public var armed: Bool?

    public init(
        observedAt: Date?, event: Event, unitID: String?, alarm: String? = nil, accepted: Bool? = nil,
        batteryLevel: Int? = nil, batteryPercent: Int? = nil, gsmSignal: Int? = nil, charging: Bool? = nil,
        ignition: Bool? = nil, armed: Bool? = nil
    ) {
        self.observedAt = observedAt
        self.event = event
        self.unitID = unitID
        self.alarm = alarm
        self.accepted = accepted
        self.batteryLevel = batteryLevel
        self.batteryPercent = batteryPercent
        self.gsmSignal = gsmSignal
        self.charging = charging
        self.ignition = ignition
        self.armed = armed
    }
}
