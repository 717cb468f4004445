import Foundation
import HubDevices
import HubModel
import HubTesting
import Testing

/// A connected device that stops talking: `silent` past its profile's `maxSilenceS`, and it stays so
/// until it sends again or its link comes up anew.
struct DeviceSilenceTests {
    /// A portal monitor (Rapiscan profile, 5 s heartbeat, 15 s of silence allowed) on lane 1.
    static func registry(at start: Date) throws -> DeviceRegistry {
        let catalog = try ProfileCatalog.load(directory: Corpus.repositoryFile("DeviceProfiles").path)
        let profile = try #require(catalog.profiles["rapiscan-rpm"])
        #expect(profile.heartbeatIntervalS == 5 && profile.maxSilenceS == 15)
        let device = DeviceInstance(id: "rpm-1", profile: profile, site: "gate-3", lane: "1", port: "/dev/ttyUSB0", serial: nil)
        return DeviceRegistry(devices: [device], now: start)
    }

    /// What a decoder counts for one 32-byte line.
    static let oneLine: DecodeCounters = {
        var c = DecodeCounters()
        c.bytes = 32
        c.frames = 1
        c.readings = 1
        return c
    }()

    @Test func aSilentDeviceStaysSilentUntilItSpeaks() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let registry = try Self.registry(at: t0)
        #expect(registry.link("rpm-1", .up, at: t0)?.to == .online)
        _ = registry.traffic("rpm-1", added: Self.oneLine, newEvents: 1, at: t0 + 1)

        // 15 s after the last bytes it is still online; one second later, silent.
        #expect(registry.checkSilence(at: t0 + 16).isEmpty)
        let silent = registry.checkSilence(at: t0 + 17)
        #expect(silent.map(\.to) == [.silent] && silent.first?.reason == "silent for more than 15 s")
        // Every check after that, for as long as it says nothing, changes nothing (it used to turn
        // back online at the next check and silent again 15 s later).
        for s in stride(from: 18.0, through: 120, by: 1) {
            #expect(registry.checkSilence(at: t0 + s).isEmpty, "at +\(s) s")
        }
        #expect(registry.status("rpm-1")?.state == .silent)

        // Bytes again: online, and silence is measured from them.
        #expect(registry.traffic("rpm-1", added: Self.oneLine, newEvents: 1, at: t0 + 121)?.to == .online)
        #expect(registry.checkSilence(at: t0 + 136).isEmpty)
        #expect(registry.checkSilence(at: t0 + 137).map(\.to) == [.silent])
    }

    @Test func aLinkThatComesUpAgainStartsTheSilenceAfresh() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let registry = try Self.registry(at: t0)
        _ = registry.link("rpm-1", .up, at: t0)
        // Never a byte: silent 15 s after the link came up.
        #expect(registry.checkSilence(at: t0 + 16).map(\.to) == [.silent])
        #expect(registry.link("rpm-1", .down, error: "link closed", at: t0 + 20)?.to == .offline)
        #expect(registry.link("rpm-1", .up, at: t0 + 30)?.to == .online)
        #expect(registry.checkSilence(at: t0 + 45).isEmpty)
        #expect(registry.checkSilence(at: t0 + 46).map(\.to) == [.silent])
    }

    /// A profile without `maxSilenceS` allows three heartbeats; one shorter than a heartbeat is
    /// refused with its file, line and field.
    @Test func theLongestSilenceDefaultsToThreeHeartbeatsAndIsNeverShorterThanOne() throws {
        let dir = try TemporaryDirectory("silence")
        let base = "model: seal\nname: Seal\nfamily: e-seal\nprotocol: eseal\ntransport: {kind: tcp}\nheartbeatIntervalS: 300\n"
        let plain = try YAMLDocument.load(DeviceProfile.self, path: try dir.write("seal.yaml", base))
        #expect(plain.maxSilenceS == 900)
        let set = try YAMLDocument.load(DeviceProfile.self, path: try dir.write("seal.yaml", base + "maxSilenceS: 1800\n"))
        #expect(set.maxSilenceS == 1800)
        let path = try dir.write("seal.yaml", base + "maxSilenceS: 60\n")
        let error = #expect(throws: ConfigError.self) { try YAMLDocument.load(DeviceProfile.self, path: path) }
        #expect(error?.line == 7 && error?.field == "maxSilenceS")
        #expect(error?.message.contains("at least heartbeatIntervalS (300)") == true, "\(String(describing: error))")
    }
}
