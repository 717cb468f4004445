import Foundation
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `niihub` executable as operators and other tools run it.
@Suite(.timeLimit(.minutes(3)))
struct CommandLineTests {
    /// The built `niihub`, beside the test bundle.
    static var niihub: URL { BuiltExecutable.url("niihub") }

    static func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try BuiltExecutable.run(niihub, args)
    }

    @Test func decodePrintsOneEventPerLineAndCountsOnStderr() throws {
        let r = try Self.run(["decode", "--protocol", "rpm", "--site", "s1", Corpus.url("rpm/S2-C3-NORM2.csv").path])
        #expect(r.status == 0)
        let events = r.out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(events.count == r.out.split(separator: "\n").count, "every stdout line is an event")
        let occupancies = events.filter { $0["kind"] as? String == "radiation.occupancy" }
        let starts = events.filter { $0["kind"] as? String == "radiation.occupancy-start" }
        #expect(occupancies.count == 25)
        // One start per vehicle, printed when it entered, with the time its occupancy reports.
        #expect(starts.count == occupancies.count)
        #expect(starts.map { ($0["data"] as? [String: Any])?["startedAt"] as? String }
            == occupancies.map { ($0["data"] as? [String: Any])?["startedAt"] as? String })
        #expect(events.allSatisfy { $0["schema"] as? String == "niihub.event/1" && $0["site"] as? String == "s1" })
        #expect(r.err.contains("13857 frames") && r.err.contains("0 rejected") && r.err.contains("AS 1724"))
    }

    @Test func decodeCountsGarbageAndNeverPrintsIt() throws {
        let dir = try TemporaryDirectory("decode")
        let file = try dir.write("feed.txt", "GB,000400,000400\r\n\u{01}\u{02}garbage\r\n" + String(repeating: "Z", count: 5000) + "\r\nGX,000001,000000\r\n")
        let r = try Self.run(["decode", "--protocol", "rpm", file])
        #expect(r.status == 0)
        #expect(r.out.split(separator: "\n").count == 1)
        #expect(r.err.contains("2 rejected") && r.err.contains("garbage 1") && r.err.contains("overlong 1"))
        let missing = try Self.run(["decode", "--protocol", "rpm", dir.path("nope")])
        #expect(missing.status == 1)
        let unknown = try Self.run(["decode", "--protocol", "smoke-signals", file])
        #expect(unknown.status == 64)
        #expect(unknown.err.contains("unknown protocol"))
    }

    @Test func containerNumberFollowsTheContract() throws {
        let r = try Self.run(["container-number", "CSQU3054383", "csqu 305438 3", "CSQU3054384", ""])
        let rows = r.out.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        try #require(rows.count == 4, "one line per input: \(r.out)")
        #expect(rows[1]["input"] as? String == "csqu 305438 3")
        #expect(rows[1]["valid"] as? Bool == true && rows[1]["normalized"] as? String == "CSQU3054383")
        #expect(rows[2]["valid"] as? Bool == false && rows[2]["reason"] as? String == "check digit")
        #expect((rows[2]["candidates"] as? [String])?.first == "CSQU3054383")
        #expect(rows[3]["reason"] as? String == "empty")
    }

    @Test func serveStopsCleanlyOnCtrlC() async throws {
        let dir = try TemporaryDirectory("serve")
        let config = try dir.write("site.yaml", """
            site: sigint
            profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            store: {sqlite: hub.sqlite}
            http: {host: 127.0.0.1, port: 0}
            devices:
              - {id: rpm-1, profile: rapiscan-rpm, lane: "1", port: no-such-port}
            """)
        let p = Process()
        p.executableURL = Self.niihub
        p.arguments = ["serve", "--config", config, "--log-level", "warning"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var seen = ""
        let serving = await eventually(timeout: .seconds(20)) {
            seen += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            return seen.contains("serving site sigint at http://127.0.0.1:")
        }
        #expect(serving, "\(seen)")
        kill(p.processIdentifier, SIGINT)
        let exited = await eventually(timeout: .seconds(10)) { !p.isRunning }
        #expect(exited)
        #expect(p.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: dir.path("hub.sqlite")))
    }

    @Test func aBadConfigExitsWithItsPlace() throws {
        let dir = try TemporaryDirectory("badconfig")
        let config = try dir.write("site.yaml", "site: x\nhttp:\n  port: 99999\n")
        let r = try Self.run(["check-config", "--config", config, "--profiles", Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path])
        #expect(r.status == 78)
        #expect(r.err.contains("site.yaml:3:9: http.port: expected a TCP port from 0 to 65535, got '99999'"))
    }
}
