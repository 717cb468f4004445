import Foundation
import HubModel

/// `seal.status`: a seal's lock state or integrity alarm. Opened, tampered and cut are alarms (the
/// cargo may have been reached); low battery and shock are warnings; lock and unlock are information.
enum SealEvents {
    static func body(for s: SealStatus) -> EventBody {
        let payload = SealStatusPayload(
            status: s.status, deviceEvent: s.deviceEvent, lat: s.lat, lon: s.lon, batteryPercent: s.batteryPercent)
        return EventBody(
            kind: EventKind.sealStatus, observedAt: s.observedAt, subject: Subject(seals: s.sealID.map { [$0] }), payload: payload,
            severity: severity(s.status), unitID: s.unitID)
    }

    static func severity(_ status: SealStatus.Status) -> Severity {
        switch status {
        case .opened, .tampered, .cut: .alarm
        case .lowBattery, .shock: .warning
        case .locked, .unlocked: .info
        }
    }
}
