import Foundation
import HubDevices
import HubModel
import HubTesting
import Testing

/// A connected device that stops talking: `degraded` after three heartbeats, and it stays so until
/// it sends again or its link comes up anew.
struct DeviceSilenceTests {
    /// A portal monitor (Rapiscan profile, 5 s heartbeat) on lane 1.
    static func registry(at start: Date) throws -> DeviceRegistry {
        let catalog = try ProfileCatalog.load(directory: Corpus.repositoryFile("DeviceProfiles").path)
        let profile = try #require(catalog.profiles["rapiscan-rpm"])
        #expect(profile.heartbeatIntervalS == 5)
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

    @Test func aSilentDeviceStaysDegradedUntilItSpeaks() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let registry = try Self.registry(at: t0)
        #expect(registry.link("rpm-1", .up, at: t0)?.to == .online)
        _ = registry.traffic("rpm-1", added: Self.oneLine, newEvents: 1, at: t0 + 1)

        // 15 s (three heartbeats) after the last bytes it is still online; one second later, degraded.
        #expect(registry.checkSilence(at: t0 + 16).isEmpty)
        let degraded = registry.checkSilence(at: t0 + 17)
        #expect(degraded.map(\.to) == [.degraded] && degraded.first?.reason == "silent for more than 15 s")
        // Every check after that, for as long as it says nothing, changes nothing (it used to turn
        // back online at the next check and degraded again three heartbeats later).
        for s in stride(from: 18.0, through: 120, by: 1) {
            #expect(registry.checkSilence(at: t0 + s).isEmpty, "at +\(s) s")
        }
        #expect(registry.status("rpm-1")?.state == .degraded)

        // Bytes again: online, and silence is measured from them.
        #expect(registry.traffic("rpm-1", added: Self.oneLine, newEvents: 1, at: t0 + 121)?.to == .online)
        #expect(registry.checkSilence(at: t0 + 136).isEmpty)
        #expect(registry.checkSilence(at: t0 + 137).map(\.to) == [.degraded])
    }

    @Test func aLinkThatComesUpAgainStartsTheSilenceAfresh() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let registry = try Self.registry(at: t0)
        _ = registry.link("rpm-1", .up, at: t0)
        // Never a byte: degraded three heartbeats after the link came up.
        #expect(registry.checkSilence(at: t0 + 16).map(\.to) == [.degraded])
        #expect(registry.link("rpm-1", .down, error: "link closed", at: t0 + 20)?.to == .offline)
        #expect(registry.link("rpm-1", .up, at: t0 + 30)?.to == .online)
        #expect(registry.checkSilence(at: t0 + 45).isEmpty)
        #expect(registry.checkSilence(at: t0 + 46).map(\.to) == [.degraded])
    }
}
