import Foundation
import GRDB
import HubAppTesting
import HubDevices
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// TCP, UDP and file-drop devices through a whole hub.
@Suite(.timeLimit(.minutes(2)))
struct TransportTests {
    static let occupancy = "GS,000070,000071,000072,000073\r\nGA,000300,000250,000070,000070\r\nGX,%06d,006383,000000,000000\r\n"

    @Test func tcpUnitsReportAtOnceAndIdleOnesAreClosed() async throws {
        let h = try await HubHarness(
            label: "tcp",
            devices: "  - {id: rpm-tcp, profile: rpm-tcp, lane: \"4\", listen: \"127.0.0.1:0\"}",
            profiles: ["rpm-tcp.yaml": RapiscanFeed.profile("rpm-tcp", transport: "  kind: tcp\n  network: {idleTimeoutS: 3}")])
        #expect(await eventually { (try? await h.boundPort("rpm-tcp")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("rpm-tcp"))
        let units = try (0..<3).map { _ in try LoopbackClient(port: port) }
        for (i, u) in units.enumerated() {
            // Split a line across two writes: framing belongs to the driver, not to the packets. The
            // pause paces the unit (it proves nothing by itself): without it both halves would
            // usually reach the hub in one read.
            let text = String(format: Self.occupancy, i + 1)
            try u.send(String(text.prefix(20)))
            try await Task.sleep(for: .milliseconds(20))
            try u.send(String(text.dropFirst(20)))
        }
        #expect(await eventually { (try? await h.device("rpm-tcp")["connections"] as? Int) == 3 })
        #expect(await eventually { (try? await h.events("kind=radiation.occupancy").count) == 3 })
        let numbers = try await h.events("kind=radiation.occupancy").compactMap { ($0["data"] as? [String: Any])?["occupancyNumber"] as? Int }
        #expect(Set(numbers) == [1, 2, 3])
        // Silent for longer than the idle timeout: the hub closes each connection.
        for u in units { #expect(await u.receive(timeoutMs: 15_000) == nil) }
        #expect(await eventually { (try? await h.device("rpm-tcp")["connections"] as? Int) == 0 })
        try await h.stop()
    }

    /// Stopping the hub closes the units still connected, and what each had sent is stored first,
    /// down to a last line that no line end finished.
    @Test func stoppingTheHubClosesOpenConnectionsAndStoresWhatTheyHeld() async throws {
        let h = try await HubHarness(
            label: "tcp-stop",
            devices: "  - {id: rpm-tcp, profile: rpm-tcp, lane: \"4\", listen: \"127.0.0.1:0\"}",
            profiles: ["rpm-tcp.yaml": RapiscanFeed.profile("rpm-tcp", transport: "  kind: tcp\n  network: {idleTimeoutS: 600}")])
        #expect(await eventually { (try? await h.boundPort("rpm-tcp")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("rpm-tcp"))
        let units = try (0..<3).map { _ in try LoopbackClient(port: port) }
        for (i, u) in units.enumerated() { try u.send("GS,000070,000071,000072,00007\(i)\r\nGS,000080,000081,000082,00008\(i)") }
        #expect(await eventually { (try? await h.device("rpm-tcp")["connections"] as? Int) == 3 })
        #expect(await eventually { (try? await h.device("rpm-tcp")["counters"] as? [String: Any])?["bytes"] as? Int == 3 * 62 })
        try await h.stop()
        for u in units { #expect(await u.receive(timeoutMs: 5_000) == nil, "the hub closed the connection") }
        // Every byte each unit sent is in the raw archive, the unfinished last lines included.
        let archived = try await DatabaseQueue(path: h.dir.path("hub.sqlite")).read { db in
            try Data.fetchAll(db, sql: "SELECT bytes FROM raw_records WHERE device_id = 'rpm-tcp'").flatMap { Array($0) }
        }
        let text = String(decoding: archived, as: UTF8.self)
        for i in 0..<3 {
            #expect(text.contains("GS,000080,000081,000082,00008\(i)"), "unit \(i)'s unfinished line")
            #expect(text.contains("GS,000070,000071,000072,00007\(i)\r\n"), "unit \(i)'s whole line")
        }
    }

    @Test func theHubConnectsToADeviceThatServesAndReconnectsWhenItDrops() async throws {
        let device = try LoopbackServer()
        let h = try await HubHarness(
            label: "tcp-client",
            devices: "  - {id: rpm-conv, profile: rpm-conv, lane: \"7\", connect: \"127.0.0.1:\(device.port)\"}",
            profiles: ["rpm-conv.yaml": RapiscanFeed.profile("rpm-conv", transport: "  kind: tcp")])
        let first = try #require(await device.accept())
        let text = Array(String(format: Self.occupancy, 41).utf8)
        #expect(text.withUnsafeBytes { send(first, $0.baseAddress, $0.count, 0) } == text.count)
        #expect(await eventually { (try? await h.events("kind=radiation.occupancy").count) == 1 })
        // The converter drops the connection: the hub marks it offline and dials again.
        close(first)
        #expect(await eventually { (try? await h.device("rpm-conv")["state"] as? String) == "offline" })
        let second = try #require(await device.accept())
        defer { close(second) }
        #expect(await eventually { (try? await h.device("rpm-conv")["connects"] as? Int) == 2 })
        let more = Array(String(format: Self.occupancy, 42).utf8)
        #expect(more.withUnsafeBytes { send(second, $0.baseAddress, $0.count, 0) } == more.count)
        #expect(await eventually { (try? await h.events("kind=radiation.occupancy").count) == 2 })
        try await h.stop()
    }

    @Test func udpDatagramsFromSeveralPeers() async throws {
        let h = try await HubHarness(
            label: "udp",
            devices: "  - {id: rpm-udp, profile: rpm-udp, lane: \"5\", listen: \"127.0.0.1:0\"}",
            profiles: ["rpm-udp.yaml": RapiscanFeed.profile("rpm-udp", transport: "  kind: udp")])
        #expect(await eventually { (try? await h.boundPort("rpm-udp")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("rpm-udp"))
        let a = try LoopbackClient(port: port, udp: true)
        let b = try LoopbackClient(port: port, udp: true)
        // Interleaved halves: each peer keeps its own partial line.
        try a.send("GS,000070,000071\r\nGX,0000")
        try b.send("GS,000070,000071\r\nGX,0000")
        try a.send("11,006383\r\n")
        try b.send("22,006383\r\n")
        #expect(await eventually { (try? await h.events("kind=radiation.occupancy").count) == 2 })
        let numbers = try await h.events("kind=radiation.occupancy").compactMap { ($0["data"] as? [String: Any])?["occupancyNumber"] as? Int }
        #expect(Set(numbers) == [11, 22])
        try await h.stop()
    }

    @Test func fileDropTakesCompleteFilesOnceAndQuarantinesBadOnes() async throws {
        let dirName = "drop"
        let devices = "  - {id: rpm-files, profile: rpm-files, lane: \"6\", folder: \(dirName)}"
        let profiles = ["rpm-files.yaml": RapiscanFeed.profile("rpm-files", transport: "  kind: file")]
        var h: HubHarness? = try await HubHarness(label: "drop", devices: devices, profiles: profiles)
        let inbox = h!.dir.path(dirName)
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed") })
        // Written under a temporary name, then renamed into place: taken only after the rename.
        let feed = try Corpus.bytes("rpm/S2-C3-NORM2.csv")
        try Data(feed).write(to: URL(fileURLWithPath: inbox + "/.scan-1.tmp"))
        // The hub reads the folder's changes in order: once a file renamed in after it is taken, it
        // has seen the temporary file and left it alone.
        #expect(await Self.probeTaken(inbox))
        #expect(FileManager.default.fileExists(atPath: inbox + "/.scan-1.tmp"))
        #expect(try await h!.events("kind=radiation.occupancy").isEmpty)
        try FileManager.default.moveItem(atPath: inbox + "/.scan-1.tmp", toPath: inbox + "/scan-1.csv")
        #expect(await eventually(timeout: .seconds(15)) { FileManager.default.fileExists(atPath: inbox + "/processed/scan-1.csv") })
        #expect(try await h!.events("kind=radiation.occupancy&limit=100").count == 25)
        // Not the device's format at all: quarantined, with the reason beside it.
        try Data([0, 1, 2, 255, 10, 7, 7, 10]).write(to: URL(fileURLWithPath: inbox + "/.junk"))
        try FileManager.default.moveItem(atPath: inbox + "/.junk", toPath: inbox + "/junk.bin")
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/quarantine/junk.bin.reason") })
        let reason = try String(contentsOfFile: inbox + "/quarantine/junk.bin.reason", encoding: .utf8)
        #expect(reason.contains("garbage"))

        // A crash after storing but before moving leaves the file in the inbox: after a restart it
        // is recognised and moved, not counted twice.
        let dir = h!.dir
        try await h!.stop()
        try FileManager.default.copyItem(atPath: inbox + "/processed/scan-1.csv", toPath: inbox + "/scan-1.csv")
        h = try await HubHarness(reusing: dir, devices: devices, profiles: profiles)
        #expect(await eventually { !FileManager.default.fileExists(atPath: inbox + "/scan-1.csv") })
        #expect(try await h!.events("kind=radiation.occupancy&limit=100").count == 25)
        try await h!.stop()
    }

    /// Drops an empty, complete file (renamed into place, or given its `.done` marker) and waits until
    /// the hub has taken it. The folder's changes are read in order, so by then the hub has dealt
    /// with every change made before it: a later event that proves what was not taken.
    static func probeTaken(_ inbox: String, marker: Bool = false) async -> Bool {
        let name = "probe-\(UUID().uuidString).txt"
        if marker {
            guard FileManager.default.createFile(atPath: inbox + "/" + name, contents: Data()),
                FileManager.default.createFile(atPath: inbox + "/" + name + ".done", contents: Data())
            else { return false }
        } else {
            guard FileManager.default.createFile(atPath: inbox + "/." + name, contents: Data()),
                (try? FileManager.default.moveItem(atPath: inbox + "/." + name, toPath: inbox + "/" + name)) != nil
            else { return false }
        }
        return await eventually { FileManager.default.fileExists(atPath: inbox + "/processed/" + name) }
    }

    @Test func aMarkerFileSaysWhenAFileIsComplete() async throws {
        let h = try await HubHarness(
            label: "marker", devices: "  - {id: rpm-marked, profile: rpm-marked, folder: drop}",
            profiles: ["rpm-marked.yaml": RapiscanFeed.profile("rpm-marked", transport: "  kind: file\n  file: {completion: marker}")])
        let inbox = h.dir.path("drop")
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed") })
        try (String(format: Self.occupancy, 7)).write(toFile: inbox + "/lane.txt", atomically: false, encoding: .utf8)
        // A file written and marked after it is taken: the hub has seen lane.txt by then.
        #expect(await Self.probeTaken(inbox, marker: true))
        #expect(FileManager.default.fileExists(atPath: inbox + "/lane.txt"), "no marker yet: left alone")
        #expect(try await h.events("kind=radiation.occupancy").isEmpty)
        try "".write(toFile: inbox + "/lane.txt.done", atomically: false, encoding: .utf8)
        #expect(await eventually { FileManager.default.fileExists(atPath: inbox + "/processed/lane.txt") })
        #expect(!FileManager.default.fileExists(atPath: inbox + "/lane.txt.done"))
        #expect(try await h.events("kind=radiation.occupancy").count == 1)
        try await h.stop()
    }
}
