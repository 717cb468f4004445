import Foundation
import HubDevices
import HubSite
import HubTesting
import Testing

/// The site file's `relays:`: each field checked, and a bad one named by file, line and field.
struct LaneRelayConfigTests {
    static func site(_ relays: String) -> String {
        """
        site: gate-3
        store:
          sqlite: hub.sqlite
        devices:
          - {id: rpm-lane1, profile: test-rpm, lane: "1", port: /dev/ttyUSB0}
        relays:
        \(relays)
        """
    }

    static let profile = "model: test-rpm\nname: Test\nfamily: radiation-portal\nprotocol: rpm\ntransport: {kind: serial}\n"

    private func load(_ relays: String) throws -> Result<SiteConfig, ConfigError> {
        let dir = try TemporaryDirectory("relays")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try dir.write("profiles/test-rpm.yaml", Self.profile)
        let path = try dir.write("site.yaml", Self.site(relays))
        do {
            return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles")))
        } catch let e as ConfigError {
            return .failure(e)
        }
    }

    private func failure(_ relays: String) throws -> ConfigError? {
        if case .failure(let e) = try load(relays) { return e }
        Issue.record("expected the relays to be refused")
        return nil
    }

    @Test func bothBoardsAreReadWithTheirDefaults() throws {
        let config = try load("""
              - {id: beacon-1, lane: "1", board: lcus, port: relay0, channel: 2, on: [radiation-alarm, suspect-scan]}
              - {id: barrier-1, lane: "1", board: modbus, port: /dev/ttyUSB3, slave: 7, on: [alarm], serial: {baud: 19200}}
            """).get()
        #expect(config.relays.map(\.id) == ["beacon-1", "barrier-1"])
        let lcus = config.relays[0], modbus = config.relays[1]
        #expect(lcus.channel == 2 && lcus.slave == nil && lcus.on == [.radiationAlarm, .suspectScan])
        #expect(lcus.port.hasPrefix("/") && lcus.port.hasSuffix("/relay0"), "resolved against the site file's folder")
        #expect(lcus.serial == SerialSettings(baud: 9600))
        #expect(modbus.slave == 7 && modbus.coil == 0 && modbus.answerTimeoutMs == 500 && modbus.serial.baud == 19200)
    }

    @Test func eachBadFieldIsNamedWithItsLine() throws {
        // Line 7 is the first relay (the site header takes six).
        let cases: [(String, String, String)] = [
            ("  - {id: r1, lane: \"1\", board: relay, port: p, channel: 1, on: [alarm]}", "relays[0].board", "expected one of: lcus, modbus"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: p, channel: 9, on: [alarm]}", "relays[0].channel", "a channel from 1 to 8"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: p, on: [alarm]}", "relays[0]", "channel"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: p, channel: 1, slave: 1, on: [alarm]}", "relays[0].slave", "'slave' is for a modbus board"),
            ("  - {id: r1, lane: \"1\", board: modbus, port: p, slave: 0, on: [alarm]}", "relays[0].slave", "from 1 to 247"),
            ("  - {id: r1, lane: \"1\", board: modbus, port: p, slave: 1, coil: 70000, on: [alarm]}", "relays[0].coil", "from 0 to 65535"),
            ("  - {id: r1, lane: \"1\", board: modbus, port: p, slave: 1, on: [fire]}", "relays[0].on", "radiation-alarm, suspect-scan, device-fault, alarm"),
            ("  - {id: r1, lane: \"1\", board: modbus, port: p, slave: 1, on: []}", "relays[0].on", "one or more"),
            ("  - {id: r1, lane: \"1\", board: modbus, port: p, slave: 1, on: [alarm], answerTimeoutMs: 0}", "relays[0].answerTimeoutMs", "10 to 10000"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: p, channel: 1, on: [alarm], answerTimeoutMs: 100}", "relays[0].answerTimeoutMs", "does not answer"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: p, channel: 1, on: [alarm], serial: {baud: auto}}", "relays[0].serial", "not hunted"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: p, channel: 1, on: [alarm], colour: red}", "relays[0].colour", "unknown field"),
            ("  - {id: rpm-lane1, lane: \"1\", board: lcus, port: p, channel: 1, on: [alarm]}", "relays[0].id", "duplicate id 'rpm-lane1'"),
            ("  - {id: r1, lane: \"1\", board: lcus, port: /dev/ttyUSB0, channel: 1, on: [alarm]}", "relays[0].port", "device 'rpm-lane1' reads this port"),
        ]
        for (relay, field, words) in cases {
            let e = try failure(relay)
            #expect(e?.line == 7, "\(relay): \(String(describing: e))")
            #expect(e?.field.hasPrefix(field) == true, "\(relay): \(String(describing: e))")
            #expect(e?.message.contains(words) == true, "\(relay): \(String(describing: e))")
            #expect(e?.file.hasSuffix("site.yaml") == true)
        }
        // Two channels of one board share its port; another board on the same port is refused, on its own line.
        let second = try failure("""
              - {id: r1, lane: "1", board: lcus, port: p, channel: 1, on: [alarm]}
              - {id: r2, lane: "1", board: modbus, port: p, slave: 1, on: [alarm]}
            """)
        #expect(second?.line == 8 && second?.field == "relays[1].port")
        #expect(try load("""
              - {id: r1, lane: "1", board: lcus, port: p, channel: 1, on: [alarm]}
              - {id: r2, lane: "2", board: lcus, port: p, channel: 2, on: [alarm]}
            """).get().relays.count == 2)
    }
}
