/// The kind-specific part of an inspection event, typed: what the `data` member of the event JSON
/// holds, as Swift values (dates as dates, enums as enums).
///
/// Drivers, the normalizer, correlation and the server pass these; `data` as JSON exists only at
/// the edges (the store's rows, the API, `niihub decode`). Each typed case's `json` writes exactly
/// the members the event JSON has always had for its kind, so stored events and the
/// `niihub.event/1` output stay byte for byte what they were.
public enum EventPayload: Sendable, Equatable {
    /// A kind this version has no type for, or a stored event whose `data` its type does not read
    /// back exactly: kept as it was written, so nothing a store holds is ever changed on the way.
    case untyped([String: JSONValue])
    // hub (the hub's own events)
    case riskAssessment(RiskAssessmentPayload)
    case transitFinding(TransitFindingPayload)
    case passage(GatePassagePayload)
    case passageResolution(PassageResolutionPayload)
    /// A partner administration's verified inspection package.
    case packageReceived(PackageReceivedPayload)

    // positions, seals and device status (trackers, tracking seals, the hub's view of a device)
    case gpsFix(GPSFixPayload)
    case sealStatus(SealStatusPayload)
    /// A command the hub sent a seal or tracker, and its result.
    case sealCommand(SealCommandPayload)
    case deviceStatus(DeviceStatus)

    // radiation portals and instruments, device reports, scanners, OCR cameras (the lane's devices)
    case occupancyStart(OccupancyStartPayload)
    case occupancy(OccupancyPayload)
    case radiationAlarm(RadiationAlarmPayload)
    case radiationMeasurement(RadiationMeasurementPayload)
    case radiationBackground(RadiationBackgroundPayload)
    case radiationFault(RadiationFaultPayload)
    /// `device.tamper` and `seal.tamper`.
    case tamper(TamperPayload)
    case deviceConfig(DeviceConfigPayload)
    case scanResult(ScanResultPayload)
    case ocrRead(OCRReadPayload)
    /// An image analyst's verdict on a scan.
    case scanVerdict(ScanVerdictPayload)
    /// `trace.alarm` and `trace.clear`.
    case trace(TraceResultPayload)

    /// Reads the `data` member of an event of `kind` (the JSON edge). A member its type does not
    /// know, or one that would not be written back the same, keeps the event `untyped`.
    public init(kind: String, json: [String: JSONValue]) {
        guard let type = Self.types[kind], let body = try? type.init(json: json) else {
            self = .untyped(json)
            return
        }
        let typed = body.payload
        self = JSONValue.sameJSON(typed.json, json) ? typed : .untyped(json)
    }

    /// The payload as the event JSON's `data` member.
    public var json: [String: JSONValue] {
        switch self {
        case .untyped(let json): json
        // positions, seals and device status
        case .gpsFix(let p): p.json
        case .sealStatus(let p): p.json
        case .sealCommand(let p): p.json
        case .deviceStatus(let p): p.json
        // hub
        case .riskAssessment(let p): p.json
        case .transitFinding(let p): p.json
        case .passage(let p): p.json
        case .passageResolution(let p): p.json
        case .packageReceived(let p): p.json
        // the lane's devices
        case .occupancyStart(let p): p.json
        case .occupancy(let p): p.json
        case .radiationAlarm(let p): p.json
        case .radiationMeasurement(let p): p.json
        case .radiationBackground(let p): p.json
        case .radiationFault(let p): p.json
        case .tamper(let p): p.json
        case .deviceConfig(let p): p.json
        case .scanResult(let p): p.json
        case .ocrRead(let p): p.json
        case .scanVerdict(let p): p.json
        case .trace(let p): p.json
        }
    }

    /// Every payload type, by the kinds it carries (one registration per type).
    static let types: [String: any EventPayloadBody.Type] = {
        var out: [String: any EventPayloadBody.Type] = [:]
        for type in registered {
            for kind in type.kinds {
                precondition(out[kind] == nil, "two payload types for \(kind)")
                out[kind] = type
            }
        }
        return out
    }()

    static let registered: [any EventPayloadBody.Type] = [
        // positions, seals and device status
        GPSFixPayload.self, SealStatusPayload.self, SealCommandPayload.self, DeviceStatus.self,
        // hub
        RiskAssessmentPayload.self, TransitFindingPayload.self, GatePassagePayload.self, PassageResolutionPayload.self,
        PackageReceivedPayload.self,
        // the lane's devices
        OccupancyStartPayload.self, OccupancyPayload.self, RadiationAlarmPayload.self, RadiationMeasurementPayload.self,
        RadiationBackgroundPayload.self, RadiationFaultPayload.self, TamperPayload.self, DeviceConfigPayload.self,
        ScanResultPayload.self, OCRReadPayload.self, ScanVerdictPayload.self, TraceResultPayload.self,
    ]
}

/// A typed payload: the kinds it carries, how it reads and writes the event JSON's `data`.
public protocol EventPayloadBody: Sendable, Equatable {
    /// The event kinds (`EventKind`) whose `data` this type is.
    static var kinds: [String] { get }
    /// What events of these kinds are to a vehicle's passage (nil: no part of one).
    static var passageRole: PassageRole? { get }
    /// Reads `data`; throws `PayloadError` naming the member that is missing or of the wrong type.
    init(json: [String: JSONValue]) throws
    /// The `data` member, exactly as the event JSON has it.
    var json: [String: JSONValue] { get }
    /// The value wrapped in its `EventPayload` case.
    var payload: EventPayload { get }
}

/// A `data` member that does not fit its kind's payload type.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "data.\(field): \(reason)" }
}
