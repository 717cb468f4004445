import Foundation
import HubModel

/// `device.status` from trackers: logins, heartbeats and alarms about the unit rather than its seal.
enum TrackerEvents {
    static func body(for t: TrackerStatus) -> EventBody {
        var data: [String: JSONValue] = ["status": .string(t.event == .alarm ? "alarm" : t.event.rawValue)]
        if let v = t.alarm { data["alarm"] = .string(v) }
        if let v = t.accepted { data["accepted"] = .bool(v) }
        if let v = t.batteryLevel { data["batteryLevel"] = .int(Int64(v)) }
        if let v = t.batteryPercent { data["batteryPercent"] = .int(Int64(v)) }
        if let v = t.gsmSignal { data["gsmSignal"] = .int(Int64(v)) }
        if let v = t.charging { data["charging"] = .bool(v) }
        if let v = t.ignition { data["ignition"] = .bool(v) }
        if let v = t.armed { data["armed"] = .bool(v) }
        let severity: Severity =
            switch t.event {
            case .alarm: t.alarm == "sos" || t.alarm == "power-cut" ? .alarm : .warning
            case .login: t.accepted == false ? .warning : .info
            case .heartbeat: .info
            }
        return EventBody(kind: EventKind.deviceStatus, observedAt: t.observedAt, data: data, severity: severity, unitID: t.unitID)
    }
}
