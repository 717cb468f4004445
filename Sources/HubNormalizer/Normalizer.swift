import Foundation
import HubModel

/// Turns a device's readings into inspection events v1: one kind per reading, units in field names,
/// the device's place from its configuration, and the raw record the reading came from.
public struct Normalizer: Sendable {
    public let context: DeviceContext
    private let ids: EventIDGenerator

    public init(context: DeviceContext, ids: EventIDGenerator) {
        self.context = context
        self.ids = ids
    }

    /// The event for `reading`, received at `receivedAt` and derived from the bytes of `raw`.
    public func event(for reading: DeviceReading, raw: RawRef, receivedAt: Date) -> InspectionEvent {
        let body: EventBody
        switch reading {
        case .radiationPortal(let r): body = RadiationPortalEvents.body(for: r, thresholds: context.thresholds)
        case .radiationInstrument(let r): body = RadiationInstrumentEvents.body(for: r)
        case .scan(let d): body = ScanEvents.body(for: d)
        case .ocr(let r): body = OCREvents.body(for: r)
        case .gpsFix(let f): body = GPSEvents.body(for: f)
        case .sealStatus(let s): body = SealEvents.body(for: s)
        case .trackerStatus(let t): body = TrackerEvents.body(for: t)
        case .trace(let r): body = TraceEvents.body(for: r)
        }
        var device = context.device
        // A unit that names itself on a shared link (a tracker's IMEI on a TCP listener) is the device.
        if let unit = body.unitID { device.id = unit }
        return InspectionEvent(
            id: ids.next(at: receivedAt),
            kind: body.kind,
            device: device,
            site: context.site,
            lane: context.lane ?? body.lane,
            observedAt: body.observedAt ?? receivedAt,
            receivedAt: receivedAt,
            subject: body.subject,
            payload: body.payload,
            severity: body.severity,
            raw: raw
        )
    }
}

/// The family-specific part of an event.
struct EventBody {
    var kind: String
    var observedAt: Date?
    var subject = Subject()
    var payload: EventPayload
    var severity: Severity
    /// The reporting unit's own id when it differs from the configured device (e.g. an IMEI).
    var unitID: String? = nil
    /// The lane the reading names itself (a camera controller serving several lanes), used when
    /// the device's configuration gives none.
    var lane: String? = nil

    init(
        kind: String, observedAt: Date?, subject: Subject = Subject(), payload: any EventPayloadBody,
        severity: Severity, unitID: String? = nil, lane: String? = nil
    ) {
        precondition(type(of: payload).kinds.contains(kind), "\(kind) is not a kind of \(type(of: payload))")
        self.init(
            kind: kind, observedAt: observedAt, subject: subject, payload: payload.payload, severity: severity,
            unitID: unitID, lane: lane)
    }

    init(
        kind: String, observedAt: Date?, subject: Subject = Subject(), payload: EventPayload, severity: Severity,
        unitID: String? = nil, lane: String? = nil
    ) {
        self.kind = kind
        self.observedAt = observedAt
        self.subject = subject
        self.payload = payload
        self.severity = severity
        self.unitID = unitID
        self.lane = lane
    }
}
