import Foundation
import HubDevices
import HubModel
import HubSite
import HubTesting
import Testing

/// `baud: auto` in a profile or a site override, its candidate lists, and the place of a bad one.
struct AutoBaudConfigTests {
    static let gpsProfile = """
        model: test-gps
        name: Test GNSS receiver
        family: gps-receiver
        protocol: nmea
        transport:
          kind: serial
          serial:
            baud: auto
        heartbeatIntervalS: 5

        """

    /// Loads a site whose `devices:` block is `devices` (its first entry on line 5), or its error.
    private func load(_ devices: String) throws -> Result<SiteConfig, ConfigError> {
        let dir = try TemporaryDirectory("auto-baud")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try dir.write("profiles/test-gps.yaml", Self.gpsProfile)
        let path = try dir.write("site.yaml", "site: gate-3\nstore:\n  sqlite: hub.sqlite\ndevices:\n" + devices)
        do {
            return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles"), knownProtocols: ["nmea"]))
        } catch let e as ConfigError {
            return .failure(e)
        }
    }

    private func refusal(_ devices: String) throws -> ConfigError {
        guard case .failure(let e) = try load(devices) else { throw ConfigRefusalMissing() }
        return e
    }

    private struct ConfigRefusalMissing: Error {}

    @Test func autoParsesWithDefaultOrGivenCandidates() throws {
        let config = try load("""
              - {id: gps-a, profile: test-gps, port: /dev/ttyS0}
              - id: gps-b
                profile: test-gps
                port: /dev/ttyS1
                serial: {baud: auto, bauds: [4800, 38400], framings: ["7E1", "8N1"]}
              - {id: gps-c, profile: test-gps, port: /dev/ttyS2, serial: {baud: 9600}}
              - {id: gps-d, profile: test-gps, port: /dev/ttyS3, serial: {baud: auto, parity: odd}}
            """).get()
        let a = try #require(config.devices[0].serial)
        #expect(a.auto == AutoBaud())
        #expect(a.auto?.bauds == [9600, 4800, 38400, 19200, 57600, 115_200, 230_400])
        #expect(a.baud == 9600 && a.framing.description == "8N1")
        let b = try #require(config.devices[1].serial)
        #expect(b.auto?.bauds == [4800, 38400] && b.auto?.framings.map(\.description) == ["7E1", "8N1"])
        // The port opens at the first candidate.
        #expect(b.baud == 4800 && b.framing.description == "7E1")
        #expect(b.summary == "auto 4800/38400 7E1/8N1")
        // A fixed speed over an auto profile ends the hunt.
        #expect(config.devices[2].serial == SerialSettings(baud: 9600))
        // Framing fields without a list: the one framing to try.
        #expect(config.devices[3].serial?.auto?.framings.map(\.description) == ["8O1"])
    }

    @Test func aSpeedOutsideTheStandardOnesIsRefusedAtItsPlace() throws {
        let fixed = try refusal("  - {id: gps-a, profile: test-gps, port: /dev/ttyS0, serial: {baud: 12345}}\n")
        #expect(fixed.file.hasSuffix("site.yaml") && fixed.line == 5 && fixed.field == "devices[0].serial.baud")
        #expect(fixed.message.contains("auto") && fixed.message.contains("12345") && fixed.message.contains("38400"))

        let listed = try refusal("""
              - id: gps-a
                profile: test-gps
                port: /dev/ttyS0
                serial:
                  baud: auto
                  bauds:
                    - 4800
                    - 12345
            """)
        #expect(listed.file.hasSuffix("site.yaml") && listed.line == 12 && listed.field == "devices[0].serial.bauds[1]")
        #expect(listed.message.contains("12345"))

        let framing = try refusal("  - {id: gps-a, profile: test-gps, port: /dev/ttyS0, serial: {baud: auto, framings: [8N1, 9Q1]}}\n")
        #expect(framing.line == 5 && framing.field == "devices[0].serial.framings[1]" && framing.message.contains("9Q1"))
    }

    @Test func candidateListsNeedAutoBesideThem() throws {
        let e = try refusal("  - {id: gps-a, profile: test-gps, port: /dev/ttyS0, serial: {bauds: [4800]}}\n")
        #expect(e.line == 5 && e.field == "devices[0].serial.bauds" && e.message.contains("baud: auto"))
        let empty = try refusal("  - {id: gps-a, profile: test-gps, port: /dev/ttyS0, serial: {baud: auto, bauds: []}}\n")
        #expect(empty.field == "devices[0].serial.bauds")
    }

    /// What the API shows reads back as the same settings.
    @Test func settingsEncodeAsTheYAMLSaysThem() throws {
        let s = SerialSettings().applying(try JSONDecoder().decode(
            SerialOverrides.self, from: Data(#"{"baud": "auto", "bauds": [4800, 9600]}"#.utf8)))
        let json = try JSONEncoder().encode(s)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""baud":"auto""#) && text.contains(#""bauds":[4800,9600]"#))
        #expect(try JSONDecoder().decode(SerialSettings.self, from: json) == s)
        let fixed = try JSONDecoder().decode(SerialSettings.self, from: JSONEncoder().encode(SerialSettings(baud: 19200)))
        #expect(fixed == SerialSettings(baud: 19200))
    }
}
