import Foundation
import HubAppTesting
import HubDevices
import HubSite
import HubDrivers
import HubIngest
import HubModel
import HubStore
import HubTesting
import HubTransports
import Logging
import ServiceLifecycle
import Testing

/// A serial port has one reader. Two descriptors on one terminal both wake for the same bytes and
/// race to read them: each decodes a share of the lines (vehicles lost or cut in half), and the
/// loser of a race finds nothing to read, which is SwiftNIO's `BaseSocketChannel` assert
/// ("readable, then nothing to read") that `-assert-config Release` used to hide.
@Suite(.timeLimit(.minutes(2)))
struct OneReaderPerPortTests {
    static func occupancies(_ h: HubHarness) async -> Int {
        (try? await h.events("kind=radiation.occupancy&limit=1000").count) ?? -1
    }

    /// Two hubs whose device names the same terminal (as a stale service retrying a link whose
    /// pseudo-terminal number was reused at once would): the second is refused and says why, the first
    /// decodes every vehicle, and the second takes the port over once the first lets it go.
    @Test func aPortOneHubReadsIsRefusedToASecondUntilItIsFree() async throws {
        let first = try await HubHarness(label: "one-reader-a")
        let second = try await HubHarness(label: "one-reader-b")
        let pty = try PseudoTerminal()
        func device(_ h: HubHarness) async -> [String: Any] { (try? await h.device("rpm-lane1")) ?? [:] }
        try pty.link(at: first.devicePath)
        #expect(await eventually { await device(first)["state"] as? String == "online" })
        try pty.link(at: second.devicePath)
        #expect(await eventually { (await device(second)["lastError"] as? String)?.contains("in use") == true })
        #expect(await device(second)["state"] as? String == "offline")

        let lines = try RapiscanFeed.deviceLines("rpm/S2-C0-NONE.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }
        try await pty.play(lines[...gx[4]])
        // Every vehicle whole at the one reader: no line went anywhere else.
        #expect(await eventually { await Self.occupancies(first) == 5 })
        #expect(await Self.occupancies(second) == 0)

        try await first.stop()
        #expect(await eventually { await device(second)["state"] as? String == "online" })
        try await pty.play(lines[(gx[4] + 1)...gx[7]])
        #expect(await eventually { await Self.occupancies(second) == 3 })
        try await second.stop()
        pty.close()
    }

    /// Two reloads applied at once take turns: the first moves the device to its new port, the
    /// second finds it there. Before, both found it missing while the first was still stopping it and
    /// both started it: two readers on one port, one of them never stopped again.
    @Test func reloadsAppliedAtOnceTakeTurnsAndStartADeviceOnce() async throws {
        let dir = try TemporaryDirectory("apply-turns")
        let pty = try PseudoTerminal()
        try pty.link(at: dir.path("port-a"))
        try pty.link(at: dir.path("port-b"))
        func devices(port: String) throws -> [DeviceInstance] {
            let path = try dir.write("site.yaml", """
                site: turns
                profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
                store: {sqlite: hub.sqlite}
                devices:
                  - {id: rpm-lane1, profile: rapiscan-rpm, lane: "1", port: \(port)}
                """)
            return try SiteConfig.load(path: path, knownProtocols: DriverCatalog.protocols).devices
        }
        let onA = try devices(port: "port-a")
        let onB = try devices(port: "port-b")
        var logger = Logger(label: "apply-turns")
        logger.logLevel = .critical
        let hub = try SupervisedDevices(onA, storePath: dir.path("hub.sqlite"), logger: logger)
        let (store, sink, supervisor) = (hub.store, hub.sink, hub.supervisor)
        #expect(await eventually { sink.registry.status("rpm-lane1")?.link == .up })

        async let one = supervisor.apply(onB)
        async let two = supervisor.apply(onB)
        let changes = await [one, two]
        #expect(changes.filter { $0.restarted == ["rpm-lane1"] }.count == 1, "\(changes)")
        #expect(changes.filter { $0.unchanged == ["rpm-lane1"] }.count == 1, "\(changes)")
        #expect(changes.allSatisfy { $0.started.isEmpty }, "\(changes)")
        // Closed on port-a, opened on port-b: two connects in all.
        #expect(await eventually { sink.registry.status("rpm-lane1")?.connects == 2 })

        let lines = try RapiscanFeed.deviceLines("rpm/S2-C0-NONE.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }
        try await pty.play(lines[...gx[2]])
        var query = EventQuery()
        query.kind = "radiation.occupancy"
        #expect(await eventually { (try? await store.events(query).events.count) == 3 })
        let lastError = sink.registry.status("rpm-lane1")?.lastError ?? ""
        #expect(!lastError.contains("in use"), "no second reader was refused the port: \(lastError)")
        try await hub.stop()
        pty.close()
    }
}
