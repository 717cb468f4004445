import Foundation

/// `device.tamper` (a device reports its enclosure opened or closed again) and `seal.tamper` (a
/// seal reports its housing tampered with or the tamper cleared; no decoder of this version writes
/// it, seals report tamper as `seal.status`): one shape, `tamper` and its wording in `status`.
public struct TamperPayload: EventPayloadBody {
    public static let kinds = [EventKind.deviceTamper, EventKind.sealTamper]
    /// Tampered (true) or the tamper cleared (false).
    public var tampered: Bool
    /// The same in words (`tampered`, `tamper-cleared`), as the monitor's events say it.
    public var status: String?

    /// A monitor's report: `status` says the same as `tampered`.
    public init(tampered: Bool) {
        self.tampered = tampered
        status = tampered ? "tampered" : "tamper-cleared"
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        tampered = try f.bool("tamper")
        status = try f.optionalString("status")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = ["tamper": .bool(tampered)]
        o.put("status", status)
        return o
    }

    public var payload: EventPayload { .tamper(self) }
}

/// `device.config`: a radiation portal monitor's setup lines, as it reported them.
public struct DeviceConfigPayload: EventPayloadBody {
    public static let kinds = [EventKind.deviceConfig]
    /// Which channel the setup is for (`gamma`, `neutron`, as the monitor names it).
    public var radiation: String
    /// Setup field name → the values the monitor gave for it.
    public var setup: [String: [String]]

    public init(radiation: String, setup: [String: [String]]) {
        self.radiation = radiation
        self.setup = setup
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        radiation = try f.string("radiation")
        guard case .object(let o)? = f.raw("setup") else {
            throw PayloadError(field: "setup", reason: "missing or not an object")
        }
        setup = try o.mapValues { v in
            guard case .array(let a) = v else { throw PayloadError(field: "setup", reason: "not lists of strings") }
            return try a.map {
                guard case .string(let s) = $0 else { throw PayloadError(field: "setup", reason: "not lists of strings") }
                return s
            }
        }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        ["radiation": .string(radiation), "setup": .object(setup.mapValues { .array($0.map { .string($0) }) })]
    }

    public var payload: EventPayload { .deviceConfig(self) }
}
