import Foundation
import HubAppTesting
import HubTesting
import Testing

/// Every simulator family's faults against a real hub: each fault is one `niisim` run with the flag
/// at rate 1 (or its own mechanism), and the hub's answer is read back through its API. Damaged frames
/// are counted as rejects on the device (and in `/metrics`); after them, frames sent cleanly are all
/// stored; doubled frames are stored twice, but a result file delivered twice is stored once (the hub
/// deduplicates files by name and hash); reconnects and bursts lose nothing; a skewed clock moves the
/// stored time; and the hub answers throughout.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct FaultInjectionTests {
    /// One simulator family: how its device is configured, how a clean run is started, and what it stores.
    struct Family: Sendable, CustomTestStringConvertible {
        var name: String
        /// The hub's device entry; `dev` is its id.
        var device: String
        var profiles: [String: String] = [:]
        /// The event kind a clean run stores `perRun` of.
        var kind: String
        var perRun: Int
        /// The simulator's arguments for a clean run, given the device's port or folder.
        var args: @Sendable (String) -> [String]
        var checksum = true
        /// A file device: a duplicate is the same file again, stored once; no connection to drop.
        var folder = false
        /// A device without a clock of its own (its lines carry no time).
        var clock = true
        /// The driver turns a doubled frame into twice the events (a state machine may not).
        var doublesEvents = true
        /// Noise in front of a frame is skipped without a word (NMEA: up to the sentence's `$`), so the
        /// frame behind it still decodes.
        var skipsLeadingGarbage = false
        /// Each connection has its own decoder: an occupancy split over two connections is lost.
        var statePerConnection = false

        var testDescription: String { name }
    }

    static let nmeaTCP = """
        model: nmea-tcp
        name: NMEA receiver over TCP
        family: gps-receiver
        protocol: nmea
        transport:
          kind: tcp
        heartbeatIntervalS: 30
        """

    static let fleet = ["--units", "1", "--reports", "4", "--interval", "1", "--speed", "1000", "--ack-timeout", "3"]

    static let families: [Family] = [
        Family(name: "rpm", device: #"{id: dev, profile: rapiscan-rpm-tcp, lane: "1", listen: "127.0.0.1:0"}"#,
               kind: "radiation.occupancy", perRun: 2,
               args: { ["rpm", "--tcp", "127.0.0.1:\($0)", "--vehicles", "2", "--vehicle-every", "5", "--speed", "200",
                        "--gamma-alarm-rate", "0", "--neutron-alarm-rate", "0"] },
               checksum: false, clock: false, doublesEvents: false, statePerConnection: true),
        Family(name: "nmea", device: #"{id: dev, profile: nmea-tcp, listen: "127.0.0.1:0"}"#, profiles: ["nmea-tcp.yaml": FaultInjectionTests.nmeaTCP],
               kind: "gps.fix", perRun: 8, args: { ["nmea", "--tcp", "127.0.0.1:\($0)", "--fixes", "4", "--speed", "100000"] },
               skipsLeadingGarbage: true),
        Family(name: "ocr", device: #"{id: dev, profile: gate-ocr-camera, lane: "1", listen: "127.0.0.1:0"}"#,
               kind: "ocr.read", perRun: 6,
               args: { ["ocr", "--tcp", "127.0.0.1:\($0)", "--vehicles", "3", "--every", "1", "--speed", "1000", "--misread-rate", "0"] }),
        Family(name: "gt06", device: #"{id: dev, profile: gt06-eseal, listen: "127.0.0.1:0"}"#, kind: "gps.fix", perRun: 4,
               args: { ["gt06", "--port", $0, "--heartbeat-every", "0"] + FaultInjectionTests.fleet }),
        Family(name: "teltonika", device: #"{id: dev, profile: teltonika-fmb, listen: "127.0.0.1:0"}"#, kind: "gps.fix", perRun: 4,
               args: { ["teltonika", "--port", $0] + FaultInjectionTests.fleet }),
        Family(name: "eseal", device: #"{id: dev, profile: ascii-eseal, listen: "127.0.0.1:0"}"#, kind: "gps.fix", perRun: 4,
               args: { ["eseal", "--port", $0] + FaultInjectionTests.fleet }, checksum: false),
        Family(name: "n42", device: #"{id: dev, profile: n42-instrument, lane: "1", folder: inbox}"#,
               kind: "radiation.measurement", perRun: 2,
               args: { ["n42", "--folder", $0, "--count", "2", "--every", "1", "--speed", "1000", "--alarm-rate", "0"] },
               checksum: false, folder: true),
        Family(name: "scan", device: #"{id: dev, profile: container-scanner, lane: "1", folder: inbox}"#,
               kind: "scan.result", perRun: 2,
               args: { ["scan", "--folder", $0, "--count", "2", "--every", "1", "--speed", "1000", "--suspect-rate", "0"] },
               checksum: false, folder: true),
    ]

    /// A hub with the family's device, and what the hub has counted of it so far.
    struct Bench {
        let h: HubHarness
        let family: Family
        let target: String

        /// What the hub has taken of the device: events of the family's kind stored, frames rejected,
        /// connections open and connections ended.
        struct Taken {
            var stored: Int
            var rejected: Int
            var connections: Int
            var closed: Int
        }

        func taken() async throws -> Taken {
            let row = try await h.device("dev")
            let counters = row["counters"] as? [String: Any]
            return Taken(
                stored: try await ConnectionScaleTests.count(h, kind: family.kind),
                rejected: (counters?["rejected"] as? [String: Int])?.values.reduce(0, +) ?? 0,
                connections: row["connections"] as? Int ?? 0, closed: row["connectionsClosed"] as? Int ?? 0)
        }

        /// Runs the simulator with `fault` flags and waits until the hub has taken all of the run;
        /// returns what it had taken before. Each run ends all in, so the next one starts from a
        /// count that no longer moves.
        func run(_ fault: [String], seed: Int) async throws -> Taken {
            let before = try await taken()
            let sim = try await SimulatorRun.run(family.args(target) + ["--seed", "\(seed)"] + fault, in: h.dir)
            #expect(sim.status == 0, "\(family.name) \(fault): \(sim.err)")
            #expect(await allIn(sim, since: before), "\(family.name) \(fault): the hub did not take the whole run; \(sim.err)")
            return before
        }

        /// Whether the hub has taken everything the finished simulator delivered (a positive signal,
        /// not a quiet moment). A folder: no file is left in the inbox, and a file is moved out only
        /// once its events are stored. A listener: as many connections have ended on the hub as the
        /// simulator says it opened, and a connection ends only once what it sent is stored (or, for
        /// one the hub closed as noise, counted).
        func allIn(_ sim: SimulatorRun, since before: Taken) async -> Bool {
            if family.folder {
                return await eventually(timeout: .seconds(30)) {
                    guard let names = try? FileManager.default.contentsOfDirectory(atPath: target) else { return false }
                    return !names.contains { name in
                        var isDir: ObjCBool = false
                        return !name.hasPrefix(".")
                            && FileManager.default.fileExists(atPath: target + "/" + name, isDirectory: &isDir) && !isDir.boolValue
                    }
                }
            }
            guard let opened = Self.connectionsOpened(sim.err), opened > 0 else { return false }
            return await eventually(timeout: .seconds(30)) {
                guard let now = try? await taken() else { return false }
                return now.closed == before.closed + opened && now.connections == 0
            }
        }

        /// The connections a network simulator says it opened ("… 2 connections …" on its stderr).
        static func connectionsOpened(_ err: String) -> Int? {
            for line in err.split(separator: "\n") {
                let words = line.split(separator: " ")
                if let i = words.firstIndex(where: { $0 == "connections" || $0 == "connection" }), i > words.startIndex {
                    return Int(words[words.index(before: i)])
                }
            }
            return nil
        }

        /// The run is all in: `family.kind` has grown by exactly `n` since `before`.
        func expectStored(_ n: Int, since before: Int, _ what: String) async throws {
            let now = try await taken().stored
            #expect(now - before == n, "\(family.name) \(what): \(now - before) stored, expected \(n)")
        }

        func expectRejects(since before: Int, _ what: String) async throws {
            let now = try await taken().rejected
            #expect(now > before, "\(family.name) \(what): no reject counted (\(now))")
        }
    }

    @Test(arguments: families) func everyFaultGetsItsAnswerFromTheHub(_ f: Family) async throws {
        let h = try await HubHarness(label: "faults-\(f.name)", devices: "  - " + f.device, profiles: f.profiles)
        var target = h.dir.path("inbox")
        if f.folder {
            #expect(await eventually { FileManager.default.fileExists(atPath: target + "/processed") })
        } else {
            #expect(await eventually { (try? await h.boundPort("dev")) ?? 0 > 0 })
            target = String(try #require(try await h.boundPort("dev")))
        }
        let b = Bench(h: h, family: f, target: target)

        // Damaged frames: counted as rejects; the clean frames of the next run are all stored.
        var faults = [["--garbage", "1"], ["--truncate", "1"]]
        if f.checksum { faults.insert(["--bad-checksum", "1"], at: 0) }
        for (i, fault) in faults.enumerated() {
            let before = try await b.run(fault, seed: 10 + i)
            if fault[0] == "--garbage" && f.skipsLeadingGarbage {
                try await b.expectStored(f.perRun, since: before.stored, "--garbage (skipped)")
            } else {
                try await b.expectRejects(since: before.rejected, fault[0])
            }
            let clean = try await b.run([], seed: 20 + i)
            try await b.expectStored(f.perRun, since: clean.stored, "clean run after \(fault[0])")
        }

        // Doubled frames are stored twice; a file delivered twice is stored once.
        let dup = try await b.run(["--duplicate", "1"], seed: 30)
        if f.doublesEvents || f.folder {
            try await b.expectStored(f.folder ? f.perRun : 2 * f.perRun, since: dup.stored, "--duplicate")
        } else {
            #expect(try await b.taken().stored - dup.stored >= f.perRun, "rpm --duplicate")
        }

        // Dropped and redialled connections, and bursts, lose nothing.
        let pacing = f.folder ? [["--burst-every", "1", "--burst-size", "2"]]
            : [["--disconnect-every", "2"], ["--burst-every", "1", "--burst-size", "3"]]
        for (i, fault) in pacing.enumerated() {
            let before = try await b.run(fault, seed: 40 + i)
            if f.statePerConnection && fault[0] == "--disconnect-every" {
                // What was cut mid-occupancy is lost; the next clean run is whole.
                let clean = try await b.run([], seed: 45)
                try await b.expectStored(f.perRun, since: clean.stored, "clean run after --disconnect-every")
            } else {
                try await b.expectStored(f.perRun, since: before.stored, fault[0])
            }
        }

        // A device clock an hour behind: its events are stored at the device's time.
        if f.clock {
            let before = try await b.run(["--clock-skew=-3600"], seed: 50)
            try await b.expectStored(f.perRun, since: before.stored, "--clock-skew")
            let newest = try await h.events("kind=\(f.kind)&order=desc&limit=1").first
            let stamp = newest?["observedAt"] as? String ?? "none"
            let at = try #require(Self.date(stamp), "\(f.name): observedAt \(stamp)")
            #expect(abs(at.timeIntervalSinceNow + 3600) < 600, "\(f.name) --clock-skew: stored at \(at)")
        }

        let metrics = try await h.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect((MetricsTests.sample(metrics.text, "niihub_rejects_total", [#"device="dev""#]) ?? 0) > 0, "\(f.name) metrics")
        try await h.stop()
    }

    static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
