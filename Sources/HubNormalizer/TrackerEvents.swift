import Foundation
import HubModel

/// `device.status` from trackers: logins, heartbeats and alarms about the unit rather than its seal.
enum TrackerEvents {
    static func body(for t: TrackerStatus) -> EventBody {
        let payload = DeviceStatus(
            status: t.event, alarm: t.alarm, accepted: t.accepted, batteryLevel: t.batteryLevel,
            batteryPercent: t.batteryPercent, gsmSignal: t.gsmSignal, charging: t.charging, ignition: t.ignition, armed: t.armed)
        let severity: Severity =
            switch t.event {
            case .alarm: t.alarm == "sos" || t.alarm == "power-cut" ? .alarm : .warning
            case .login: t.accepted == false ? .warning : .info
            case .heartbeat: .info
            }
        return EventBody(kind: EventKind.deviceStatus, observedAt: t.observedAt, payload: payload, severity: severity, unitID: t.unitID)
    }
}
