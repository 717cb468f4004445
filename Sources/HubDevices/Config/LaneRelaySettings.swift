import Foundation
import HubModel

/// One relay output at a lane (an item of `relays:` in the site config): which board drives it,
/// where the board is plugged, which of its relays, and which events switch it on. A relay switched
/// on stays on until the operator acknowledges every alarm that switched it (a fault that is not an
/// alarm: until its device is online again).
///
///     relays:
///       - id: lane1-beacon
///         lane: "1"
///         board: lcus              # CH340 "LCUS" board: A0 <channel> <00|01> <sum>, no answer
///         port: /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0
///         channel: 1
///         on: [radiation-alarm, suspect-scan]
///       - id: lane1-barrier
///         lane: "1"
///         board: modbus            # Modbus RTU module: Write Single Coil, echoed
///         port: /dev/ttyUSB3
///         slave: 1
///         coil: 0
///         on: [radiation-alarm, device-fault]
///         answerTimeoutMs: 500
public struct LaneRelaySettings: Sendable, Equatable, Decodable {
    /// The kinds of relay board the hub drives.
    public enum Board: String, Sendable, Codable, CaseIterable {
        /// A CH340-based "LCUS" USB relay board (1 to 8 channels).
        case lcus
        /// A Modbus RTU relay module (function 05, Write Single Coil).
        case modbus
    }

    /// What switches a relay on: events of the relay's own lane.
    public enum Trigger: String, Sendable, Codable, CaseIterable {
        /// A portal monitor's or instrument's radiation alarm (`radiation.alarm`).
        case radiationAlarm = "radiation-alarm"
        /// A scan found suspect (`scan.result` or `scan.verdict` raised as an alarm).
        case suspectScan = "suspect-scan"
        /// A device of the lane faulted, tampered with, silent or offline (`device.status`), or a
        /// detector fault (`radiation.fault`).
        case deviceFault = "device-fault"
        /// Any alarm of the lane.
        case alarm
    }

    /// The family name relay rows carry in the device list and their `device.status` events.
    public static let family = "lane-relay"

    public var id: String
    public var lane: String
    public var board: Board
    /// The board's serial port (a path; relative ones are resolved against the site file's folder).
    public var port: String
    /// 9600 8N1 unless the site file says otherwise (`serial: {baud: …}`).
    public var serial: SerialSettings
    /// LCUS: the relay's channel, 1 to 8.
    public var channel: UInt8?
    /// Modbus: the module's slave address (1 to 247) and the coil (0 to 65535, usually relay n is coil n-1).
    public var slave: UInt8?
    public var coil: UInt16?
    public var on: [Trigger]
    /// Modbus: how long the module has to echo a command before the relay is a device fault.
    public var answerTimeoutMs: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, lane, board, port, serial, channel, slave, coil, on, answerTimeoutMs
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id, where: Identifier.isValid, expected: Identifier.expected)
        lane = try c.decode(String.self, forKey: .lane, where: { !$0.isEmpty }, expected: "the lane the relay serves, e.g. \"1\"")
        board = try c.decodeChoice(forKey: .board)
        port = try c.decode(String.self, forKey: .port, where: { !$0.isEmpty }, expected: "a device path")
        // Each board's own address fields, and none of the other's.
        func misplaced(_ key: CodingKeys, _ why: String) -> InvalidValue {
            InvalidValue(codingPath: c.codingPath + [key], message: why)
        }
        let overrides = try c.decodeIfPresent(SerialOverrides.self, forKey: .serial)
        if overrides?.autoBaud == true { throw misplaced(.serial, "a relay board's speed is given, not hunted: 'baud: auto' is for devices that talk") }
        serial = overrides.map { SerialSettings(baud: 9600).applying($0) } ?? SerialSettings(baud: 9600)
        let triggers = Trigger.allCases.map(\.rawValue).joined(separator: ", ")
        let names = try c.decode(
            [String].self, forKey: .on, where: { !$0.isEmpty && $0.allSatisfy { Trigger(rawValue: $0) != nil } },
            expected: "a list of one or more of: \(triggers)")
        on = names.compactMap(Trigger.init(rawValue:))
        answerTimeoutMs = try c.decode(
            Int.self, forKey: .answerTimeoutMs, default: 500, where: (10...10_000).contains, expected: "10 to 10000 milliseconds")
        switch board {
        case .lcus:
            channel = UInt8(try c.decode(Int.self, forKey: .channel, where: (1...8).contains, expected: "a channel from 1 to 8"))
            if c.contains(.slave) { throw misplaced(.slave, "'slave' is for a modbus board; an lcus board takes 'channel'") }
            if c.contains(.coil) { throw misplaced(.coil, "'coil' is for a modbus board; an lcus board takes 'channel'") }
            if c.contains(.answerTimeoutMs) {
                throw misplaced(.answerTimeoutMs, "an lcus board does not answer; 'answerTimeoutMs' is for a modbus board")
            }
        case .modbus:
            slave = UInt8(try c.decode(Int.self, forKey: .slave, where: (1...247).contains, expected: "a slave address from 1 to 247"))
            coil = UInt16(try c.decode(Int.self, forKey: .coil, default: 0, where: (0...65_535).contains, expected: "a coil from 0 to 65535"))
            if c.contains(.channel) { throw misplaced(.channel, "'channel' is for an lcus board; a modbus board takes 'slave' and 'coil'") }
        }
    }

    /// Whether `e` switches this relay on.
    public func triggered(by e: InspectionEvent) -> Bool {
        // A relay board's own fault would switch the relay it cannot drive.
        guard e.lane == lane, e.device.family != Self.family else { return false }
        return on.contains { t in
            switch t {
            case .alarm: e.severity == .alarm
            case .radiationAlarm: e.kind == EventKind.radiationAlarm
            case .suspectScan: (e.kind == EventKind.scanResult || e.kind == EventKind.scanVerdict) && e.severity == .alarm
            case .deviceFault: Self.isFault(e)
            }
        }
    }

    /// A device's fault: a `device.status` saying faulted, tampered, silent or offline, or an active detector fault.
    static func isFault(_ e: InspectionEvent) -> Bool {
        if e.kind == EventKind.radiationFault { return e.radiationFault?.active == true }
        guard e.kind == EventKind.deviceStatus, let state = e.deviceStatus?.state else { return false }
        return [.faulted, .tampered, .silent, .offline].contains(state)
    }
}
