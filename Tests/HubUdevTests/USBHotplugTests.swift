import Foundation
import HubApp
import HubDevices
import HubSite
import HubDrivers
import HubServer
import HubModel
import HubStore
import HubTesting
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A whole hub watching udev while fake USB adapters are plugged and unplugged (umockdev).
extension UdevTests {
@Suite(.timeLimit(.minutes(3))) struct Hotplug {
    static let site = """
        site: usb-gate
        profiles: profiles
        store: {sqlite: hub.sqlite}
        http: {host: 127.0.0.1, port: 0}
        devices:
          - id: rpm-lane2
            profile: rapiscan-rpm
            lane: "2"
            usb: {serial: FT4X7Q2A}
        """

    /// A portal monitor with a USB bridge of its own (not a generic adapter), found by its ids alone.
    static let ownUSBProfile = """
        model: rpm-own-usb
        name: Portal monitor with its own USB interface
        family: radiation-portal
        protocol: rpm
        transport: {kind: serial}
        usb:
          - {vendorId: "1d6b", productId: "0f01"}
        """

    func startHub(_ dir: TemporaryDirectory) async throws -> (HubApplication, ServiceGroup, Task<Void, any Error>, Int) {
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Corpus.packageRoot.appendingPathComponent("DeviceProfiles/rapiscan-rpm.yaml").path,
            toPath: dir.path("profiles/rapiscan-rpm.yaml"))
        try dir.write("profiles/rpm-own-usb.yaml", Self.ownUSBProfile)
        let config = try SiteConfig.load(path: try dir.write("site.yaml", Self.site), knownProtocols: DriverCatalog.protocols)
        var logger = Logger(label: "usb-test")
        logger.logLevel = .warning
        let hub = try await HubApplication(config: config, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = hub.serviceGroup { continuation.yield($0) }
        let task = Task { try await group.run() }
        var port = 0
        for await p in ports {
            port = p
            break
        }
        return (hub, group, task, port)
    }

    @Test func plugUnplugAndReplugAPinnedAdapter() async throws {
        let dir = try TemporaryDirectory("usb")
        let bed = FakeUdevBed()
        let (hub, group, task, _) = try await startHub(dir)
        func state() -> String? { hub.registry.status("rpm-lane2")?.state.rawValue }
        #expect(await eventually { state() == "offline" }, "not plugged in yet")

        // Another FTDI cable, not pinned: a generic adapter is never taken.
        _ = bed.addUSBSerial(vendor: "0403", product: "6001", serial: "SOMEONEELSE", tty: "ttyUSB5", minor: 5)
        // The monitor's cable: attached within a second.
        let (usb, tty) = bed.addUSBSerial(vendor: "0403", product: "6001", serial: "FT4X7Q2A", tty: "ttyUSB0", minor: 0)
        #expect(await eventually(timeout: .seconds(5), every: .milliseconds(10)) { state() == "online" })
        #expect(hub.registry.all().map(\.id) == ["rpm-lane2"], "the unpinned adapter got no device")

        let device = bed.deviceSide("/dev/ttyUSB0")
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        let firstGX = try #require(lines.firstIndex { $0.starts(with: Array("GX,".utf8)) })
        let feed = lines[...firstGX].flatMap { $0 }
        #expect(feed.withUnsafeBytes { write(device, $0.baseAddress, $0.count) } == feed.count)
        #expect(await eventually {
            var q = EventQuery()
            q.kind = "radiation.occupancy"
            return (try? await hub.store.events(q).events.count) == 1
        })

        // Unplugged: remove uevent first, then the device goes.
        bed.uevent(tty, "remove")
        bed.remove(usb)
        #expect(await eventually { state() == "offline" })
        #expect(hub.registry.status("rpm-lane2")?.reason == "unplugged")

        // Plugged back into another socket: same unit, same device, resumes.
        _ = bed.addUSBSerial(vendor: "0403", product: "6001", serial: "FT4X7Q2A", tty: "ttyUSB1", minor: 1)
        #expect(await eventually { state() == "online" })
        #expect(hub.registry.status("rpm-lane2")?.connects == 2)
        let again = bed.deviceSide("/dev/ttyUSB1")
        let gx = Array("GS,000070,000071,000072,000073\r\nGX,000999,006383,000000,000000\r\n".utf8)
        #expect(gx.withUnsafeBytes { write(again, $0.baseAddress, $0.count) } == gx.count)
        #expect(await eventually {
            var q = EventQuery()
            q.kind = "radiation.occupancy"
            return (try? await hub.store.events(q).events.count) == 2
        })
        var q = EventQuery()
        q.kind = "device.status"
        let states = try await hub.store.events(q).events.compactMap { $0.data["state"]?.stringValue }
        #expect(states == ["offline", "online", "offline", "online"])

        await group.triggerGracefulShutdown()
        try await task.value
    }

    @Test func aDeviceWithItsOwnUSBIdsIsAttachedByProfile() async throws {
        let dir = try TemporaryDirectory("usb-auto")
        let bed = FakeUdevBed()
        let (hub, group, task, _) = try await startHub(dir)
        // A serial device no profile names, plugged first: nothing attaches it.
        _ = bed.addUSBSerial(vendor: "dead", product: "beef", serial: "STRANGER1", tty: "ttyACM1", minor: 8)
        _ = bed.addUSBSerial(vendor: "1d6b", product: "0f01", serial: "RPM77", tty: "ttyACM0", minor: 7)
        #expect(await eventually { hub.registry.status("rpm-own-usb-RPM77")?.state == .online })
        #expect(hub.registry.all().map(\.id).sorted() == ["rpm-lane2", "rpm-own-usb-RPM77"], "only profiles attach USB devices")
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
}
