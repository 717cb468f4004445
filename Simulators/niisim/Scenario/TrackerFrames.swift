import Foundation
import HubDrivers

/// A scenario tracker report's frames in its protocol, from the encoders the drivers are tested
/// against: a position, and the named alarm where the protocol has one.
enum TrackerFrames {
    /// The script that logs a unit in and acks its reports (the fleet simulators' own).
    static func script(_ p: Scenario.DeviceProtocol) -> (any TrackerScript)? {
        switch p {
        case .gt06: return GT06Script(heartbeatEvery: 0)
        case .teltonika: return TeltonikaScript(recordsPerPacket: 1, intervalS: 1)
        case .eseal: return ESealScript(derivesSealID: false)
        default: return nil
        }
    }

    /// The alarm names each protocol can say, and what it sends for them.
    static let gt06Alarms: [String: UInt8] = ["opened": 0x14, "tampered": 0x13, "low-battery": 0x0E, "shock": 0x03,
                                              "sos": 0x01, "power-cut": 0x02]
    static let esealAlarms = ["opened": "DOOR", "tampered": "TAMPER", "cut": "CUT", "low-battery": "LOWBAT", "shock": "SHOCK",
                              "lock": "LOCK", "unlock": "UNLOCK"]

    /// Refuses an alarm or unit the protocol cannot say, before anything is sent.
    static func check(_ t: Scenario.TrackerStep, _ p: Scenario.DeviceProtocol) throws {
        if p != .eseal, GT06Encoder.login(imei: t.unit, serial: 1) == nil {
            throw ScenarioError("tracker \(t.unit): a \(p.rawValue) unit is named by its 15-digit IMEI")
        }
        guard let a = t.alarm else { return }
        let known: [String] = switch p {
        case .gt06: Array(gt06Alarms.keys) + ["lock", "unlock"]
        case .eseal: Array(esealAlarms.keys)
        default: ["sos"]
        }
        guard known.contains(a) else {
            throw ScenarioError("tracker \(t.unit): \(p.rawValue) has no '\(a)' alarm (it has \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// The frames of one report at `position`, with `alarm` when given.
    static func report(_ p: Scenario.DeviceProtocol, script: any TrackerScript, unit: String, at: Date, position f: Route.Fix,
                       alarm: String?, serial: UInt16) -> [[UInt8]] {
        guard let alarm else { return script.report(unit: unit, step: 0, at: at, position: f, alarm: false, serial: serial) }
        switch p {
        case .gt06:
            let pos = GT06Encoder.Position(at: at, lat: f.lat, lon: f.lon, speedKmh: Int(f.speedKmh), courseDeg: Int(f.courseDeg))
            // Lock and unlock are the armed bit of a heartbeat; the rest are alarm packets.
            if alarm == "lock" || alarm == "unlock" {
                return [GT06Encoder.location(pos, serial: serial), GT06Encoder.heartbeat(armed: alarm == "lock", serial: serial &+ 1)]
            }
            return [GT06Encoder.alarm(pos, code: gt06Alarms[alarm] ?? 0, armed: true, serial: serial)]
        case .eseal:
            return [ESealEncoder.report(id: unit, sequence: Int(serial), event: esealAlarms[alarm] ?? "POS", time: ESealScript.time(at),
                                        lat: String(format: "%.6f", f.lat), lon: String(format: "%.6f", f.lon), battery: "87")]
        default:
            // Teltonika says an alarm by the record's priority (2, panic).
            return [TeltonikaEncoder.codec8([TeltonikaEncoder.Record(
                at: at, lat: f.lat, lon: f.lon, courseDeg: Int(f.courseDeg), speedKmh: Int(f.speedKmh), priority: 2)])]
        }
    }
}
