import Foundation
import Glibc
import HubDevices
import HubModel
import HubServer
import HubStore
import HubTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `niihub serve` killed with SIGKILL while ten simulated devices stream into it, then
/// started again on the same store.
@Suite(.timeLimit(.minutes(8)))
struct CrashSafetyTests {
    /// How long the risk system takes to answer each delivery, so that one is often in flight at the kill.
    static let answerDelay: Duration = .milliseconds(300)

    @Test func aKilledHubKeepsEverythingItAcknowledgedAndItsFeedCatchesUp() async throws {
        let dir = try TemporaryDirectory("crash")
        // A slow risk system: the feed is still busy, one item in flight, when the hub is killed.
        let receiver = try await WebhookReceiver(refuseFirst: 0, answerDelay: Self.answerDelay)
        let ptys = try [PseudoTerminal(), PseudoTerminal()]
        try ptys[0].link(at: dir.path("rpm-1"))
        try ptys[1].link(at: dir.path("rpm-2"))
        let config = try dir.write("site.yaml", """
            site: crash-gate
            profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            store: {sqlite: hub.sqlite}
            http: {host: 127.0.0.1, port: 0}
            feed: {webhook: "http://127.0.0.1:\(receiver.port)/feed"}
            devices:
              - {id: seals, profile: gt06-eseal, listen: "127.0.0.1:0"}
              - {id: trackers, profile: teltonika-fmb, listen: "127.0.0.1:0"}
              - {id: rpm-1, profile: rapiscan-rpm, lane: "1", port: rpm-1}
              - {id: rpm-2, profile: rapiscan-rpm, lane: "2", port: rpm-2}
            """)
        var hub = try await ServedHub(config: config)
        let token = try AdminCredential.read(storePath: dir.path("hub.sqlite")).token
        let seals = try #require(try await hub.listenerPort("seals", token: token))
        let trackers = try #require(try await hub.listenerPort("trackers", token: token))
        // One declaration the scans link to, so assessments are being made when the hub dies.
        let linked = DeclarationSamples.doc("700000000000", containers: ["CSQU3054383"], plate: "51C-123.45")
        #expect(await CrashStreams.post(hub.port, "/api/v1/declarations", linked, token: token)?.0 == 201)

        // Ten devices: three e-seals and two trackers over TCP, two portal monitors on ptys, two
        // scanners and the customs system over HTTP.
        let streams = CrashStreams()
        let port = hub.port
        let devices = Task {
            await withTaskGroup(of: Void.self) { g in
                for i in 0..<3 { g.addTask { await streams.gt06(imei: "35820000000000\(i)", port: seals) } }
                for i in 0..<2 { g.addTask { await streams.teltonika(imei: "35290000000000\(i)", port: trackers) } }
                g.addTask { await streams.rpm(ptys[0], corpus: "rpm/S2-C3-NORM2.csv") }
                g.addTask { await streams.rpm(ptys[1], corpus: "rpm/S2-C0-NONE.csv") }
                for s in ["XR-A", "XR-B"] { g.addTask { await streams.scanner(s, hub: port, token: token) } }
                g.addTask { await streams.declarant(hub: port, token: token) }
            }
        }
        // Killed mid-stream: once a fair amount is acknowledged, or (a machine under heavy load) after
        // two minutes with at least some of each kind.
        _ = await eventually(timeout: .seconds(120)) { streams.acked >= 400 && streams.declarations.withLock { $0.count } >= 5 }
        try #require(streams.acked >= 20 && streams.declarations.withLock { $0.count } >= 1, "the devices hardly streamed")
        hub.kill()
        let killedAt = ContinuousClock.now
        streams.stop()
        await devices.value
        let acked = streams.ackedFrames.withLock { $0 }
        let scans = streams.scans.withLock { $0 }
        let declarations = streams.declarations.withLock { $0 }

        hub = try await ServedHub(config: config)
        let restart = ContinuousClock.now - killedAt
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        #expect(try await store.integrityCheck() == ["ok"])

        // Every TCP frame whose ack the unit received is in the raw archive of that unit's events.
        var framesFound = 0
        for (unit, frames) in acked {
            var archived = Data()
            var q = EventQuery()
            q.device = unit
            q.limit = EventQuery.maxLimit
            var shas: [String] = []
            while true {
                let page = try await store.events(q)
                shas += page.events.map(\.raw.sha256)
                guard let next = page.next else { break }
                q.cursor = next
            }
            for sha in Set(shas) { archived += try await store.rawRecords(sha256: sha).first?.bytes ?? [] }
            let missing = frames.filter { archived.range(of: Data($0)) == nil }
            #expect(missing.isEmpty, "\(unit): \(missing.count) of \(frames.count) acknowledged frames not stored")
            framesFound += frames.count - missing.count
        }
        // Every scan and declaration answered 201 is stored.
        var scansFound = 0
        for id in scans where try await store.event(id: id) != nil { scansFound += 1 }
        var declarationsFound = 0
        for n in declarations where try await store.declaration(number: n, version: nil) != nil { declarationsFound += 1 }
        #expect(scansFound == scans.count && declarationsFound == declarations.count)

        // The hash-chained archive survived the kill: every link holds, every record still hashes.
        let verified = try CommandLineTests.run(["verify", "--store", dir.path("hub.sqlite")])
        #expect(verified.status == 0 && verified.out.hasSuffix("intact\n"), "verify: \(verified.out) \(verified.err)")

        // The feed catches up: every declaration answered 201 gets its assessment, and every
        // assessment stored reaches the risk system.
        func assessments() async throws -> [InspectionEvent] {
            var q = EventQuery()
            q.kind = "risk.assessment"
            q.limit = EventQuery.maxLimit
            var all: [InspectionEvent] = []
            while true {
                let page = try await store.events(q)
                all += page.events
                guard let next = page.next else { return all }
                q.cursor = next
            }
        }
        let delivered = { Set(receiver.received.withLock { $0.filter(\.accepted).map(\.key) }) }
        let caughtUp = await eventually(timeout: .seconds(180), every: .milliseconds(500)) {
            guard let all = try? await assessments() else { return false }
            let assessed = Set(all.compactMap(\.subject.declaration))
            return declarations.allSatisfy(assessed.contains) && Set(all.map(\.id)).isSubset(of: delivered())
        }
        #expect(caughtUp)
        let all = try await assessments()
        let deliveries = receiver.received.withLock { $0 }
        // A redelivery only ever under the same key: each result went out under one key, its event's id.
        #expect(deliveries.allSatisfy { $0.key == $0.body["id"] as? String })
        var keysByResult: [String: Set<String>] = [:]
        for d in deliveries {
            let data = d.body["data"] as? [String: Any] ?? [:]
            let declaration = (d.body["subject"] as? [String: Any])?["declaration"] as? String ?? "?"
            let signals = (data["signals"] as? [[String: Any]] ?? []).map { "\($0["signal"] ?? ""):\(($0["evidence"] as? [Any])?.count ?? 0)" }
            let result = "\(declaration)|\(data["declarationVersion"] ?? "")|\(data["score"] ?? "")|\(data["channel"] ?? "")|\(signals)"
            keysByResult[result, default: []].insert(d.key)
        }
        let rekeyed = keysByResult.filter { $0.value.count > 1 }
        #expect(rekeyed.isEmpty, "results sent under more than one key: \(rekeyed.keys.sorted())")
        // An item in flight at the kill (taken, but its 2xx still waiting when the hub died) comes
        // again. One that arrived within the answer delay before the kill was surely in flight;
        // whether any was depends on where the kill fell, so only those are required.
        let inFlight = Set(deliveries.filter { $0.accepted && $0.at <= killedAt && $0.at > killedAt - Self.answerDelay }.map(\.key))
        let copies = Dictionary(grouping: deliveries.filter(\.accepted), by: \.key).mapValues(\.count)
        for key in inFlight.sorted() { #expect(copies[key, default: 0] >= 2, "\(key) was in flight at the kill") }
        let redelivered = copies.values.filter { $0 > 1 }.count

        // The monitors' ports were opened again by the restarted hub (their link is up; a monitor
        // left silent through the catch-up above is rightly `silent` by now, not `online`). On
        // failure the rows and the hub's log say why (state, reason, link error).
        var monitors: [[String: Any]] = []
        var asked = "not asked"
        let reopened = await eventually(timeout: .seconds(30)) {
            let list: [[String: Any]]
            do {
                list = try await hub.get("/api/v1/devices", token: token)["devices"] as? [[String: Any]] ?? []
                asked = "answered"
            } catch {
                asked = "\(error)"
                list = []
            }
            monitors = list.filter { ($0["id"] as? String)?.hasPrefix("rpm-") == true }
            return monitors.filter { $0["link"] as? String == "up" }.count == 2
        }
        let rows = monitors.map { m in
            let fields = ["state", "link", "reason", "lastError", "connects"].map { "\($0)=\(m[$0] ?? "-")" }
            return "\(m["id"] ?? "?"): " + fields.joined(separator: " ")
        }
        let rpmLog = hub.output.text.withLock { $0 }.split(separator: "\n").filter { $0.contains("rpm-") }.suffix(20)
        #expect(reopened, "devices route: \(asked); monitors: \(rows); hub log: \(rpmLog.joined(separator: "\n"))")
        let counts = try await store.counts()
        var rpm = EventQuery()
        rpm.kind = "radiation."
        rpm.limit = EventQuery.maxLimit
        let rpmEvents = try await store.events(rpm).events.count
        let log = hub.output.text.withLock { $0 }
        let queued = log.range(of: #"count=\d+"#, options: .regularExpression).map { String(log[$0].dropFirst(6)) } ?? "0"
        let ackedFrames = acked.values.reduce(0) { $0 + $1.count }
        print(
            """
            crash: \(ackedFrames) TCP frames acknowledged (\(streams.unackedSent.withLock { $0 }) sent without ack), \
            \(scans.count) scans and \(declarations.count) declarations answered 201, \
            \(streams.ptyBytes.withLock { $0 }) bytes on the ptys; after restart found \(framesFound) frames, \(scansFound) scans, \
            \(declarationsFound) declarations; store \(counts.events) events, \(counts.rawRecords) raw records; \
            \(rpmEvents) portal events; restart (kill to serving) \(restart), \(queued) declarations queued for assessment at restart; \(all.count) assessments fed, \(inFlight.count) in flight at the kill, \(redelivered) redelivered under the same key
            """)
        try await hub.stop()
        try await receiver.stop()
        ptys.forEach { $0.close() }
    }
}

/// `niihub serve` as a child process.
final class ServedHub: @unchecked Sendable {
    // Set in init, then only read.
    let process: Process
    let port: Int
    let output: Output

    /// What the process printed so far.
    final class Output: Sendable {
        let text = Mutex("")
    }

    init(config: String) async throws {
        let p = Process()
        p.executableURL = CommandLineTests.niihub
        p.arguments = ["serve", "--config", config, "--log-level", "notice"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        let seen = Output()
        out.fileHandleForReading.readabilityHandler = { h in
            let text = String(decoding: h.availableData, as: UTF8.self)
            seen.text.withLock { $0 += text }
        }
        try p.run()
        process = p
        output = seen
        var found: Int?
        _ = await eventually(timeout: .seconds(60)) {
            let text = seen.text.withLock { $0 }
            guard let r = text.range(of: #"at http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) else { return false }
            found = Int(text[r].dropFirst("at http://127.0.0.1:".count).dropLast())
            return true
        }
        guard let found else {
            p.terminate()
            throw Failure(description: "the hub did not start: \(seen.text.withLock { $0 })")
        }
        port = found
    }

    // A test that fails half-way must not leave a hub running.
    deinit { if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) } }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// SIGKILL: no shutdown, no flush, nothing the process could still do.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and the exit status 0 of a clean stop.
    func stop() async throws {
        process.terminate()
        _ = await eventually(timeout: .seconds(30)) { !process.isRunning }
        // Still running: say so with its last lines (reading the status of a running process
        // would crash the test process), and stop it hard.
        guard !process.isRunning else {
            let tail = output.text.withLock { $0 }.split(separator: "\n").suffix(40).joined(separator: "\n")
            Issue.record("the hub did not stop within 30 s of SIGTERM; its last lines:\n\(tail)")
            kill()
            return
        }
        #expect(process.terminationStatus == 0)
    }

    func get(_ path: String, token: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// The port a listener device bound (the config asks for 0).
    func listenerPort(_ id: String, token: String) async throws -> Int? {
        var port: Int?
        _ = await eventually {
            let list = (try? await get("/api/v1/devices", token: token))?["devices"] as? [[String: Any]] ?? []
            guard let text = list.first(where: { $0["id"] as? String == id })?["port"] as? String,
                let colon = text.lastIndex(of: ":"), let p = Int(text[text.index(after: colon)...]), p > 0
            else { return false }
            port = p
            return true
        }
        return port
    }
}
