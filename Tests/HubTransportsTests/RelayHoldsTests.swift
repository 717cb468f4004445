import Foundation
import HubDevices
import HubModel
import HubTesting
import Testing

@testable import HubTransports

/// Which relays are on: switched by their lane's configured events, released by the
/// acknowledgement of every alarm that holds them (a fault that is no alarm: by its device's return).
struct RelayHoldsTests {
    /// Relays from a site file's `relays:` items (YAML flow maps).
    static func relays(_ items: [String]) throws -> [LaneRelaySettings] {
        let dir = try TemporaryDirectory("holds")
        let path = try dir.write("relays.yaml", items.map { "- " + $0 }.joined(separator: "\n") + "\n")
        return try YAMLDocument.load([LaneRelaySettings].self, path: path)
    }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(
        _ id: String, _ kind: String, lane: String? = "1", device: String = "rpm-1", severity: Severity = .alarm,
        data: [String: JSONValue] = [:]
    ) -> InspectionEvent {
        InspectionEvent(
            id: id, kind: kind, device: DeviceRef(id: device, profile: "test", family: "radiation-portal"), site: "gate-3", lane: lane,
            observedAt: t0, receivedAt: t0, data: data, severity: severity, raw: RawRef(sha256: "", format: ""))
    }

    @Test func anAlarmSwitchesItsLanesRelayAndItsAcknowledgementReleasesIt() throws {
        var holds = RelayHolds(try Self.relays([
            "{id: beacon-1, lane: \"1\", board: lcus, port: /dev/null, channel: 1, on: [radiation-alarm]}",
            "{id: beacon-2, lane: \"2\", board: lcus, port: /dev/null, channel: 2, on: [radiation-alarm]}",
        ]))
        // Another lane's alarm, and an event of the lane that is not a trigger: nothing.
        #expect(holds.observe([Self.event("A0", EventKind.radiationAlarm, lane: "3")]).isEmpty)
        #expect(holds.observe([Self.event("O0", EventKind.occupancyStart, severity: .info)]).isEmpty)
        let on = holds.observe([Self.event("A1", EventKind.radiationAlarm)])
        #expect(on == [.init(relay: "beacon-1", on: true, event: "A1", kind: EventKind.radiationAlarm)])
        // A second alarm while it is on: it stays on until both are acknowledged.
        #expect(holds.observe([Self.event("A2", EventKind.radiationAlarm)]).isEmpty)
        #expect(holds.acknowledged("A1").isEmpty)
        #expect(holds.isOn("beacon-1"))
        #expect(holds.acknowledged("A2") == [.init(relay: "beacon-1", on: false, event: "A2", kind: EventKind.radiationAlarm)])
        #expect(!holds.isOn("beacon-1") && !holds.isOn("beacon-2"))
        // An acknowledgement of an alarm that held nothing changes nothing.
        #expect(holds.acknowledged("A9").isEmpty)
    }

    @Test func aDeviceFaultHoldsUntilTheDeviceIsOnlineAndASilentAlarmUntilItIsAcknowledged() throws {
        var holds = RelayHolds(try Self.relays([
            "{id: siren-1, lane: \"1\", board: modbus, port: /dev/null, slave: 1, coil: 3, on: [device-fault, suspect-scan]}",
        ]))
        let fault = Self.event("F1", EventKind.deviceStatus, severity: .warning, data: ["state": .string("faulted")])
        #expect(holds.observe([fault]).map(\.on) == [true])
        let back = Self.event("S1", EventKind.deviceStatus, severity: .info, data: ["state": .string("online")])
        #expect(holds.observe([back]).map(\.on) == [false])
        // Silence is an alarm: the device's return does not release it, the acknowledgement does.
        let silent = Self.event("S2", EventKind.deviceStatus, data: ["state": .string("silent")])
        #expect(holds.observe([silent]).map(\.on) == [true])
        #expect(holds.observe([Self.event("S3", EventKind.deviceStatus, severity: .info, data: ["state": .string("online")])]).isEmpty)
        #expect(holds.acknowledged("S2").map(\.on) == [false])
        // A suspect scan (an alarm) switches it; a clear one (info) does not.
        #expect(holds.observe([Self.event("C1", EventKind.scanResult, severity: .info)]).isEmpty)
        #expect(holds.observe([Self.event("C2", EventKind.scanResult, device: "scanner")]).map(\.on) == [true])
    }

    @Test func aRelayBoardsOwnFaultDoesNotSwitchItsRelays() throws {
        var holds = RelayHolds(try Self.relays([
            "{id: siren-1, lane: \"1\", board: modbus, port: /dev/null, slave: 1, on: [device-fault, alarm]}",
        ]))
        let own = InspectionEvent(
            id: "R1", kind: EventKind.deviceStatus, device: DeviceRef(id: "siren-1", profile: "modbus-relay", family: LaneRelaySettings.family),
            site: "gate-3", lane: "1", observedAt: Self.t0, receivedAt: Self.t0, data: ["state": .string("faulted")], severity: .warning,
            raw: RawRef(sha256: "", format: ""))
        #expect(holds.observe([own]).isEmpty)
    }

    /// A reloaded config: an unchanged relay keeps what holds it, a changed one starts released.
    @Test func aReloadKeepsTheHoldsOfUnchangedRelaysOnly() throws {
        let beacon = "{id: beacon-1, lane: \"1\", board: lcus, port: /dev/null, channel: 1, on: [radiation-alarm]}"
        let siren = "{id: siren-1, lane: \"1\", board: lcus, port: /dev/null, channel: 2, on: [radiation-alarm]}"
        var holds = RelayHolds(try Self.relays([beacon, siren]))
        #expect(holds.observe([Self.event("A1", EventKind.radiationAlarm)]).count == 2)
        var next = holds.reconfigured(try Self.relays([beacon, siren.replacingOccurrences(of: "channel: 2", with: "channel: 3")]))
        #expect(next.isOn("beacon-1") && !next.isOn("siren-1"))
        #expect(next.acknowledged("A1") == [.init(relay: "beacon-1", on: false, event: "A1", kind: EventKind.radiationAlarm)])
    }
}
