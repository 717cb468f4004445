import Foundation

/// `radiation.occupancy-start`: a vehicle's front entered the portal.
public struct OccupancyStartPayload: EventPayloadBody {
    public static let kinds = [EventKind.occupancyStart]
    public static let passageRole: PassageRole? = .vehicleEnters
    /// When the portal's first occupied line came (absent when the monitor gave no time).
    public var startedAt: Date?

    public init(startedAt: Date?) { self.startedAt = startedAt }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        startedAt = try f.optionalDate("startedAt")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        o.put("startedAt", startedAt)
        return o
    }

    public var payload: EventPayload { .occupancyStart(self) }
}

/// `radiation.occupancy`: the vehicle's rear left the portal; the occupancy with its alarms.
public struct OccupancyPayload: EventPayloadBody {
    public static let kinds = [EventKind.occupancy]
    public static let passageRole: PassageRole? = .vehicleLeaves
    /// Whether the gamma channel alarmed during the occupancy (the monitor always says; absent only
    /// in events built by hand, which the hub has always accepted).
    public var gammaAlarm: Bool?
    /// Whether the neutron channel alarmed during the occupancy.
    public var neutronAlarm: Bool?
    /// Gamma samples (lines) counted during the occupancy.
    public var gammaSamples: Int?
    /// Neutron samples (lines) counted during the occupancy.
    public var neutronSamples: Int?
    /// The monitor's record of the occupancy is incomplete (lines lost or the hub restarted).
    public var partial: Bool?
    /// The monitor's own occupancy counter.
    public var occupancyNumber: Int?
    /// Front in.
    public var startedAt: Date?
    /// Rear out.
    public var endedAt: Date?
    /// Seconds between start and end.
    public var durationS: Double?
    /// Highest gamma rate seen, counts per second.
    public var maxGammaCps: Double?
    /// Highest neutron rate seen, counts per second.
    public var maxNeutronCps: Double?
    /// Gamma background in force, counts per second.
    public var gammaBackgroundCps: Double?
    /// Neutron background in force, counts per second.
    public var neutronBackgroundCps: Double?
    /// The vehicle's speed through the portal, km/h.
    public var speedKmh: Double?

    public init(
        gammaAlarm: Bool?, neutronAlarm: Bool?, gammaSamples: Int? = nil, neutronSamples: Int? = nil, partial: Bool? = nil,
        occupancyNumber: Int? = nil, startedAt: Date? = nil, endedAt: Date? = nil, durationS: Double? = nil,
        maxGammaCps: Double? = nil, maxNeutronCps: Double? = nil, gammaBackgroundCps: Double? = nil,
        neutronBackgroundCps: Double? = nil, speedKmh: Double? = nil
    ) {
        self.gammaAlarm = gammaAlarm
        self.neutronAlarm = neutronAlarm
        self.gammaSamples = gammaSamples
        self.neutronSamples = neutronSamples
        self.partial = partial
        self.occupancyNumber = occupancyNumber
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.durationS = durationS
        self.maxGammaCps = maxGammaCps
        self.maxNeutronCps = maxNeutronCps
        self.gammaBackgroundCps = gammaBackgroundCps
        self.neutronBackgroundCps = neutronBackgroundCps
        self.speedKmh = speedKmh
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        gammaAlarm = try f.optionalBool("gammaAlarm")
        neutronAlarm = try f.optionalBool("neutronAlarm")
        gammaSamples = try f.optionalInt("gammaSamples")
        neutronSamples = try f.optionalInt("neutronSamples")
        partial = try f.optionalBool("partial")
        occupancyNumber = try f.optionalInt("occupancyNumber")
        startedAt = try f.optionalDate("startedAt")
        endedAt = try f.optionalDate("endedAt")
        durationS = try f.optionalDouble("durationS")
        maxGammaCps = try f.optionalDouble("maxGammaCps")
        maxNeutronCps = try f.optionalDouble("maxNeutronCps")
        gammaBackgroundCps = try f.optionalDouble("gammaBackgroundCps")
        neutronBackgroundCps = try f.optionalDouble("neutronBackgroundCps")
        speedKmh = try f.optionalDouble("speedKmh")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        o.put("gammaAlarm", gammaAlarm)
        o.put("neutronAlarm", neutronAlarm)
        o.put("gammaSamples", gammaSamples)
        o.put("neutronSamples", neutronSamples)
        o.put("partial", partial)
        o.put("occupancyNumber", occupancyNumber)
        o.put("startedAt", startedAt)
        o.put("endedAt", endedAt)
        o.put("durationS", durationS)
        o.put("maxGammaCps", maxGammaCps)
        o.put("maxNeutronCps", maxNeutronCps)
        o.put("gammaBackgroundCps", gammaBackgroundCps)
        o.put("neutronBackgroundCps", neutronBackgroundCps)
        o.put("speedKmh", speedKmh)
        return o
    }

    public var payload: EventPayload { .occupancy(self) }

    /// The occupancy `payload` holds: typed, or read from a stored `data` that stayed untyped because
    /// it would not be written back byte for byte; the member that stops it otherwise.
    public static func read(_ payload: EventPayload) -> Result<Self, PayloadError> {
        if case .occupancy(let p) = payload { return .success(p) }
        do {
            return .success(try Self(json: payload.json))
        } catch {
            return .failure(error as? PayloadError ?? PayloadError(field: "", reason: "\(error)"))
        }
    }
}

/// `radiation.background`: background averaged over a reporting interval while the lane was empty.
public struct RadiationBackgroundPayload: EventPayloadBody {
    public static let kinds = [EventKind.radiationBackground]

    /// Which way the background left the profile's band (a detector or shielding problem, not a threat).
    public enum OutOfBand: String, Sendable, Equatable, CaseIterable {
        case gammaHigh, gammaLow, neutronHigh
    }

    /// Gamma background lines averaged.
    public var gammaLines: Int?
    /// Neutron background lines averaged.
    public var neutronLines: Int?
    /// Mean gamma rate per detector, counts per second.
    public var gammaDetectorsCps: [Double]?
    /// Mean neutron rate per detector, counts per second.
    public var neutronDetectorsCps: [Double]?
    /// Mean gamma rate over all detectors, counts per second.
    public var gammaCps: Double?
    /// Mean neutron rate over all detectors, counts per second.
    public var neutronCps: Double?
    /// Start of the averaging window.
    public var windowStartedAt: Date?
    /// The bands the background left, in the order checked (absent when it stayed inside).
    public var outOfBand: [OutOfBand]?

    public init(
        gammaLines: Int? = nil, neutronLines: Int? = nil, gammaDetectorsCps: [Double]? = nil,
        neutronDetectorsCps: [Double]? = nil, gammaCps: Double? = nil, neutronCps: Double? = nil,
        windowStartedAt: Date? = nil, outOfBand: [OutOfBand]? = nil
    ) {
        self.gammaLines = gammaLines
        self.neutronLines = neutronLines
        self.gammaDetectorsCps = gammaDetectorsCps
        self.neutronDetectorsCps = neutronDetectorsCps
        self.gammaCps = gammaCps
        self.neutronCps = neutronCps
        self.windowStartedAt = windowStartedAt
        self.outOfBand = outOfBand
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        gammaLines = try f.optionalInt("gammaLines")
        neutronLines = try f.optionalInt("neutronLines")
        gammaDetectorsCps = try NestedPayloadJSON.doubles(&f, "gammaDetectorsCps")
        neutronDetectorsCps = try NestedPayloadJSON.doubles(&f, "neutronDetectorsCps")
        gammaCps = try f.optionalDouble("gammaCps")
        neutronCps = try f.optionalDouble("neutronCps")
        windowStartedAt = try f.optionalDate("windowStartedAt")
        outOfBand = try f.strings("outOfBand")?.map {
            guard let band = OutOfBand(rawValue: $0) else { throw PayloadError(field: "outOfBand", reason: "unknown band \($0)") }
            return band
        }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        o.put("gammaLines", gammaLines)
        o.put("neutronLines", neutronLines)
        if let v = gammaDetectorsCps { o["gammaDetectorsCps"] = .array(v.map { .double($0) }) }
        if let v = neutronDetectorsCps { o["neutronDetectorsCps"] = .array(v.map { .double($0) }) }
        o.put("gammaCps", gammaCps)
        o.put("neutronCps", neutronCps)
        o.put("windowStartedAt", windowStartedAt)
        o.put("outOfBand", outOfBand?.map(\.rawValue))
        return o
    }

    public var payload: EventPayload { .radiationBackground(self) }
}

/// `radiation.fault`: a portal monitor's background fault raised or cleared.
public struct RadiationFaultPayload: EventPayloadBody {
    public static let kinds = [EventKind.radiationFault]
    /// The fault's name (`gamma-high`, `gamma-low`, `neutron-high`): what the device registry tracks.
    public var fault: String
    /// The monitor's own code for it (`GH`, `GL`, `NH`).
    public var code: String?
    /// Raised (true) or cleared (false).
    public var active: Bool
    /// Counts per detector in the fault line (empty when it clears).
    public var detectorCounts: [Int]?
    /// Lines the fault has lasted.
    public var lines: Int?

    public init(fault: String, code: String?, active: Bool, detectorCounts: [Int]?, lines: Int?) {
        self.fault = fault
        self.code = code
        self.active = active
        self.detectorCounts = detectorCounts
        self.lines = lines
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        fault = try f.string("fault")
        code = try f.optionalString("code")
        active = try f.bool("active")
        detectorCounts = try NestedPayloadJSON.ints(&f, "detectorCounts")
        lines = try f.optionalInt("lines")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = ["fault": .string(fault), "active": .bool(active)]
        o.put("code", code)
        if let v = detectorCounts { o["detectorCounts"] = .array(v.map { .int(Int64($0)) }) }
        o.put("lines", lines)
        return o
    }

    public var payload: EventPayload { .radiationFault(self) }
}
