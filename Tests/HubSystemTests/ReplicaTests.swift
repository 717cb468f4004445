#if PostgreSQL
import Foundation
import HubModel
import HubServer
import HubTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 20, T7: three `niihub serve` replicas of one central site on one PostgreSQL database,
/// behind Debian's nginx (HTTP round robin, and one TCP stream per device kind). A lane's portal
/// monitor and camera and three e-seals on transits reach the replicas through nginx; the replica
/// that correlates (it holds the `correlation/central` lease) is SIGKILLed mid-stream, with a truck
/// in the portal. Another takes the lease over and every passage and transit finding is made
/// exactly once: the evidence of different replicas assembled by whichever correlates.
@Suite(.timeLimit(.minutes(5)))
struct ReplicaTests {
    static let lease = "correlation/central"
    static let leaseS = 3.0
    /// Trucks on lane 1: four before the kill (the fourth in the portal around it), three after.
    static let trucks: [(at: Int, container: String, plate: String)] = [
        (2, "NIHU1001007", "51C-101.01"), (10, "NIHU1002003", "51C-102.02"), (18, "NIHU1003000", "51C-103.03"),
        (26, "NIHU1004006", "51C-104.04"), (50, "NIHU1005002", "51C-105.05"), (58, "NIHU1006009", "51C-106.06"),
        (66, "NIHU1007005", "51C-107.07"),
    ]

    static let corridor = "[[10.76, 106.79], [10.90, 106.50], [11.07, 106.19]]"

    /// The scenario `niisim run` plays through nginx. ES-R1 deviates before the kill, stays off
    /// after it (no second alarm) and comes back; ES-R2 deviates after it; ES-R3 arrives after it.
    static var scenario: String {
        var lines = [
            "devices:", "  rpm: {tcp: \"127.0.0.1:9\"}", "  ocr: {tcp: \"127.0.0.1:9\"}", "  eseal: {tcp: \"127.0.0.1:9\"}", "timeline:",
        ]
        for (i, seal) in ["ES-R1", "ES-R2", "ES-R3"].enumerated() {
            lines.append(
                "  - {at: 0s, declaration: {number: \"78000000000\(i + 1)\", type: transit, office: 02CI, seals: [\(seal)], "
                    + "transit: {origin: 02CI, destination: 45BC, corridor: \(corridor)}}}")
        }
        lines += [
            "  - {at: 1s, tracker: {device: eseal, unit: ES-R1, route: [[10.86, 106.70], [10.87, 106.71]], reports: 3, every: 1s}}",
            "  - {at: 52s, tracker: {device: eseal, unit: ES-R1, route: [[10.87, 106.71], [10.88, 106.72]], reports: 3, every: 1s}}",
            "  - {at: 60s, tracker: {device: eseal, unit: ES-R1, route: [[10.80, 106.71], [10.80, 106.71]], reports: 1}}",
            "  - {at: 54s, tracker: {device: eseal, unit: ES-R2, route: [[10.86, 106.70], [10.87, 106.71]], reports: 3, every: 1s}}",
            "  - {at: 56s, tracker: {device: eseal, unit: ES-R3, route: [[10.95, 106.40], [11.07, 106.19]], reports: 2, every: 2s}}",
        ]
        for t in trucks {
            lines.append("  - {at: \(t.at)s, truck: {lane: \"1\", containers: [\(t.container)], plate: \(t.plate), occupancyS: 5}}")
        }
        lines += [
            "expect:", "  settleS: 90",
            "  events: {transit.deviation: 2, transit.returned: 1, transit.arrived: 1, transit.seal: 0}",
            "  passages:",
        ]
        for t in trucks {
            let plate = t.plate.filter { $0 != "-" && $0 != "." }
            lines.append("    - {containers: [\(t.container)], plates: [\(plate)], gammaAlarm: false, ambiguous: false}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(.enabled(if: PostgresTestServer.wanted && NginxBalancer.installed, "needs the test PostgreSQL and nginx with its stream module"))
    func theCorrelatingReplicaKilledMidStreamEveryPassageAndFindingOnce() async throws {
        let at = try await PostgresTestServer.scratch()
        let dir = try TemporaryDirectory("replicas")
        let data = dir.path("data")
        func config(_ name: String) throws -> String {
            try dir.write("\(name).yaml", """
                site: central
                profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
                store:
                  kind: postgres
                  url: "\(at.redacted)"
                  data: \(data)
                  replica: \(name)
                  leaseS: \(Self.leaseS)
                http: {host: 127.0.0.1, port: 0, trustedProxies: [127.0.0.1]}
                passages: {beforeS: 30, afterS: 2, gapS: 5}
                devices:
                  - {id: rpm-lane1, profile: rapiscan-rpm-tcp, lane: "1", position: 0, listen: "127.0.0.1:0"}
                  - {id: ocr-lane1, profile: gate-ocr-camera, lane: "1", position: -8, listen: "127.0.0.1:0"}
                  - {id: seals, profile: ascii-eseal, listen: "127.0.0.1:0"}
                """)
        }
        // One at a time: the first makes the admin and takes the correlation lease.
        let r1 = try await ServedHub(config: try config("r1"))
        let token = try AdminCredential.read(storePath: data + "/niihub").token
        #expect(await eventually(timeout: .seconds(30)) { (try? await Self.owner(at)) == "r1" }, "r1 correlates")
        let r2 = try await ServedHub(config: try config("r2"))
        let r3 = try await ServedHub(config: try config("r3"))
        let replicas = ["r1": r1, "r2": r2, "r3": r3]
        /// The replicas' last lines, for a failure's message.
        func logs() -> String {
            replicas.keys.sorted().map { k in
                "--- \(k)\n" + replicas[k]!.output.text.withLock { $0 }.split(separator: "\n").suffix(15).joined(separator: "\n")
            }.joined(separator: "\n")
        }
        // Devices reach r2 and r3 (round robin); r1, which correlates, only serves HTTP. So killing
        // it tests the hand-over of correlation, not a device's reconnection.
        // nginx starts each upstream's round robin at its first server: listed in turn, the portal
        // reaches r2 and the camera r3, so one truck's evidence is stored by two replicas.
        var streams: [String: [Int]] = [:]
        for (name, id, order) in [("rpm", "rpm-lane1", [r2, r3]), ("ocr", "ocr-lane1", [r3, r2]), ("eseal", "seals", [r2, r3])] {
            var ports: [Int] = []
            for hub in order { ports.append(try #require(try await hub.listenerPort(id, token: token))) }
            streams[name] = ports
        }
        let nginx = try await NginxBalancer(http: [r1.port, r2.port, r3.port], streams: streams)
        let hub = "http://127.0.0.1:\(nginx.httpPort)"

        let sim = try SimulatorProcess(
            ["run", try dir.write("replicas.yaml", Self.scenario), "--hub", hub, "--token", token, "--speed", "2", "--expect"]
                + ["rpm", "ocr", "eseal"].flatMap { ["--device", "\($0)=127.0.0.1:\(nginx.streamPorts[$0]!)"] }, in: dir)
        // Mid-stream: three trucks' passages and ES-R1's deviation stored, the fourth truck coming.
        let midStream = await eventually(timeout: .seconds(90)) {
            let passages = (try? await Self.events(hub, token, "gate.passage").count) ?? 0
            let deviations = (try? await Self.events(hub, token, "transit.deviation").count) ?? 0
            return passages >= 3 && deviations >= 1
        }
        try #require(midStream, "niisim: \(sim.output())\n\(logs())")
        let passagesAtKill = (try? await Self.events(hub, token, "gate.passage").count) ?? 0
        let killedAt = ContinuousClock.now
        r1.kill()
        var newOwner: String?
        let handedOver = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            newOwner = try? await Self.owner(at)
            return newOwner == "r2" || newOwner == "r3"
        }
        let handOver = ContinuousClock.now - killedAt
        #expect(handedOver, "the lease went to \(newOwner ?? "nobody")\n\(logs())")
        let run = await sim.wait(timeout: .seconds(240))
        let out = sim.output()
        #expect(run == 0 && out.contains("all") && !out.contains("DIFF"), "niisim exit \(run.map(String.init) ?? "none"):\n\(out)\n\(logs())")

        // Exactly once, read through nginx from whichever replica answers.
        let passages = try await Self.events(hub, token, "gate.passage")
        var revisions: [String: Int] = [:]
        var containersOf: [String: Set<String>] = [:]
        for p in passages {
            let d = p["data"] as? [String: Any] ?? [:]
            let key = "\(d["passage"] ?? "?")#\(d["revision"] ?? "?")"
            revisions[key, default: 0] += 1
            containersOf[d["passage"] as? String ?? "?", default: []].formUnion((p["subject"] as? [String: Any])?["containers"] as? [String] ?? [])
        }
        #expect(revisions.values.allSatisfy { $0 == 1 }, "a passage revision stored twice: \(revisions.filter { $0.value > 1 })")
        for t in Self.trucks {
            let holding = containersOf.filter { $0.value.contains(t.container) }.map(\.key)
            #expect(holding.count == 1, "\(t.container) is in passages \(holding)")
        }
        var findings: [String: Int] = [:]
        for kind in ["transit.deviation", "transit.returned", "transit.arrived", "transit.seal", "transit.stop"] {
            for e in try await Self.events(hub, token, kind) {
                findings["\(kind) \((e["subject"] as? [String: Any])?["declaration"] as? String ?? "?")", default: 0] += 1
            }
        }
        #expect(findings == [
            "transit.deviation 780000000001": 1, "transit.returned 780000000001": 1, "transit.deviation 780000000002": 1,
            "transit.arrived 780000000003": 1,
        ], "\(findings)")
        let verified = try CommandLineTests.run(["verify", "--config", try config("check")])
        #expect(verified.status == 0 && verified.out.hasSuffix("intact\n"), "verify: \(verified.out) \(verified.err)")
        print(
            """
            replicas: r1 (correlating) SIGKILLed with \(passagesAtKill) of \(Self.trucks.count) passages stored; lease to \(newOwner ?? "none") \
            \(handOver) after the kill (lease \(Self.leaseS) s); \(containersOf.count) passages, findings \(findings.sorted { $0.key < $1.key })
            """)
        nginx.stop()
        try await r2.stop()
        try await r3.stop()
    }

    /// The lease's holder while it is valid, read from the store.
    static func owner(_ at: PostgresLocation) async throws -> String? {
        let out = try Psql.query(at, "SELECT owner FROM leases WHERE name = '\(lease)' AND expires_at > now()")
        return out.isEmpty ? nil : out
    }

    /// Every event of `kind`, through the balancer.
    static func events(_ hub: String, _ token: String, _ kind: String) async throws -> [[String: Any]] {
        var request = URLRequest(url: URL(string: "\(hub)/api/v1/events?kind=\(kind)&limit=1000")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (body, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
    }
}
#endif
