#if PostgreSQL
import Foundation
import HubServer
import HubStore
import HubTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 20, T3: the real `niihub serve` on a PostgreSQL primary with a synchronous standby
/// (`scripts/pg-pair.sh`), five reconnecting units and a declarant streaming into it; the primary
/// SIGKILLed and the standby promoted mid-stream. Whatever a unit or client was acknowledged is on
/// the new primary, once unless the unit itself sent it again, and the hash chain is intact. A gate
/// hub (SQLite) forwards to it throughout: every event the gate stored is on the new primary once.
/// The feed's webhook delivers every risk assessment, again only under the same key.
@Suite(.timeLimit(.minutes(5)))
struct FailoverTests {
    /// Acks wanted before the kill, and again after it, so both sides of the failover carry load.
    static let acksEachSide = 300

    @Test(.enabled(if: PostgresPair.installed || PostgresTestServer.required, "needs the PostgreSQL server binaries"))
    func everythingAcknowledgedSurvivesAKilledPrimaryUnderAServedHub() async throws {
        try await Self.run(sync: true)
    }

    /// A documented run (`NIIHUB_FAILOVER_ASYNC=1`): the same with an asynchronous standby, which
    /// may lose the transactions not yet replicated at the kill. It records what was lost (acked
    /// frames, declarations answered 2xx, a gate's events, which the gate sends again when the
    /// central's position for it went back) instead of failing on it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NIIHUB_FAILOVER_ASYNC"] == "1", "a documented run"))
    func anAsynchronousStandbyLosesAtMostItsUnreplicatedTail() async throws {
        try await Self.run(sync: false)
    }

    static func run(sync: Bool) async throws {
        let pair = try await PostgresPair.start(sync: sync)
        let streams = CrashStreams(reconnect: .init())
        let gateStreams = CrashStreams(reconnect: .init())
        let declarant = FailoverDeclarant()
        let receiver = try await WebhookReceiver(refuseFirst: 0)
        do {
            try await Self.exercise(pair, streams, gateStreams, declarant, receiver, strict: sync)
        } catch {
            // The hubs are SIGKILLed as `exercise` lets them go (ServedHub's deinit); the units stop.
            streams.stop()
            gateStreams.stop()
            declarant.stop()
            try? await receiver.stop()
            await pair.stop()
            throw error
        }
        try await receiver.stop()
        await pair.stop()
    }

    /// A gate's credential, made by the central's admin.
    static func gateToken(hub: Int, admin: String) async throws -> String {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(hub)/api/v1/tokens")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(admin)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"role": "gate", "label": "gate-a uplink", "owner": "gate-a"}"#.utf8)
        let (body, _) = try await URLSession.shared.data(for: request)
        let token = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String
        return try #require(token, "no gate token: \(String(decoding: body, as: UTF8.self))")
    }

    /// Every event id in a gate's store.
    static func ids(_ store: SQLiteEventStore) async throws -> [String] {
        var out: [String] = []
        var after: Int64 = 0
        while true {
            let page = try await store.storedEvents(after: after, limit: 1000)
            guard let last = page.last else { return out }
            out += page.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any])?["id"] as? String }
            after = last.seq
        }
    }

    /// A frame's kind for the archive census: GT06 by protocol number, else a Teltonika packet.
    static func kind(_ frame: [UInt8]) -> String { frame.count > 3 && frame[0] == 0x78 ? "gt06/\(frame[3])" : "teltonika" }

    static func exercise(
        _ pair: PostgresPair, _ streams: CrashStreams, _ gateStreams: CrashStreams, _ declarant: FailoverDeclarant,
        _ receiver: WebhookReceiver, strict: Bool
    ) async throws {
        let dir = try TemporaryDirectory("failover")
        let config = try dir.write("site.yaml", """
            site: central
            profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            store:
              kind: postgres
              url: "\(pair.url)"
              data: data
            http: {host: 127.0.0.1, port: 0}
            feed: {webhook: "http://127.0.0.1:\(receiver.port)/feed"}
            devices:
              - {id: seals, profile: gt06-eseal, listen: "127.0.0.1:0"}
              - {id: trackers, profile: teltonika-fmb, listen: "127.0.0.1:0"}
            """)
        let hub = try await ServedHub(config: config)
        // On PostgreSQL the first-start credential is kept in the hub's `data` folder.
        let token = try AdminCredential.read(storePath: dir.path("data/niihub")).token
        // A gate on SQLite forwarding to it, with a unit of its own.
        _ = try dir.write("central.token", try await Self.gateToken(hub: hub.port, admin: token))
        let gateConfig = try dir.write("gate.yaml", """
            site: gate-a
            profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            store: {sqlite: gate.sqlite}
            http: {host: 127.0.0.1, port: 0}
            forward: {url: "http://127.0.0.1:\(hub.port)/api/v1/forwarded", tokenFile: central.token, batch: 50, maxBackoffS: 0.5}
            devices:
              - {id: gate-seals, profile: gt06-eseal, listen: "127.0.0.1:0"}
            """)
        let gate = try await ServedHub(config: gateConfig)
        let gateAdmin = try AdminCredential.read(storePath: dir.path("gate.sqlite")).token
        let gateSeals = try #require(try await gate.listenerPort("gate-seals", token: gateAdmin))
        let seals = try #require(try await hub.listenerPort("seals", token: token))
        let trackers = try #require(try await hub.listenerPort("trackers", token: token))
        let port = hub.port
        let devices = Task {
            await withTaskGroup(of: Void.self) { g in
                // Serial ranges and longitudes apart: every unit's frames are its own (FrameCensus).
                for i in 0..<3 {
                    g.addTask { await streams.gt06(imei: "35820000000001\(i)", port: seals, firstSerial: UInt16(1 + 20_000 * i)) }
                }
                for i in 0..<2 {
                    g.addTask { await streams.teltonika(imei: "35290000000001\(i)", port: trackers, lon: 105.8 + Double(i)) }
                }
                g.addTask { await declarant.run(hub: port, token: token) }
                g.addTask { await gateStreams.gt06(imei: "358200000000019", port: gateSeals, firstSerial: 60_001) }
            }
        }
        /// The hub's last lines, for a failure's message.
        func hubLog() -> String { hub.output.text.withLock { $0 }.split(separator: "\n").suffix(30).joined(separator: "\n") }

        // Bounded waits for positive signals throughout: 2 cores also run the pair and the hub.
        let streaming = await eventually(timeout: .seconds(120)) { streams.acked >= Self.acksEachSide && declarant.count >= 5 }
        try #require(streaming, "acks \(streams.acked), declarations \(declarant.count); hub log:\n\(hubLog())")
        let beforeKill = streams.acked
        // Stored in calm: the baseline of how often a frame of each kind is archived (below).
        let calm = streams.ackedFrames.withLock { $0 }.values.flatMap { $0 }
        // WAL the standby has not replayed yet: what an asynchronous standby may lose.
        let tail = (try? await pair.query(
            port: pair.primaryPort, sql: "SELECT COALESCE(sum(pg_current_wal_lsn() - replay_lsn), 0)::bigint FROM pg_stat_replication")) ?? "?"
        let killedAt = ContinuousClock.now
        try await pair.killPrimary()
        // Counted once the primary refuses connections: an ack beyond this one was stored after it.
        let atKill = streams.acked
        // Watched beside the promotion, so the time is the ack's, not the script's return.
        let firstAck = Task { () -> ContinuousClock.Instant? in
            let resumed = await eventually(timeout: .seconds(120), every: .milliseconds(10)) { streams.acked > atKill }
            return resumed ? ContinuousClock.now : nil
        }
        try await pair.promote()
        let promotedAt = ContinuousClock.now
        let resumedAt = await firstAck.value
        try #require(resumedAt != nil, "no ack within 2 min of the kill; hub log:\n\(hubLog())")
        // At least 10 s of streaming on the promoted standby, with as many acks again as before.
        let after = await eventually(timeout: .seconds(120)) {
            streams.acked >= atKill + Self.acksEachSide && ContinuousClock.now >= promotedAt + .seconds(10)
        }
        #expect(after, "acks \(streams.acked) (\(atKill) at the kill); hub log:\n\(hubLog())")
        streams.stop()
        declarant.stop()
        gateStreams.stop()
        await devices.value
        let newPrimary = pair.standbyPort
        // The gate's backlog drains: everything it stored is on the new primary, once. Compared once
        // they agree (the gate still stores its unit's link going down meanwhile).
        let gateStore = try SQLiteEventStore(path: dir.path("gate.sqlite"))
        var gateIDs: [String] = [], centralGate = (rows: -1, distinct: -2)
        let forwarded = await eventually(timeout: .seconds(60), every: .milliseconds(250)) {
            gateIDs = (try? await Self.ids(gateStore)) ?? []
            let row = (try? await pair.query(port: newPrimary, sql: "SELECT count(*), count(DISTINCT id) FROM events WHERE site = 'gate-a'")) ?? ""
            let f = row.split(separator: "|").compactMap { Int($0) }
            centralGate = f.count == 2 ? (f[0], f[1]) : (-1, -2)
            return !gateIDs.isEmpty && centralGate.rows == gateIDs.count && centralGate.distinct == gateIDs.count
        }
        #expect(forwarded || !strict, "gate \(gateIDs.count) events, central \(centralGate) rows|distinct; hub log:\n\(hubLog())")
        let centralGateIDs = Set(try await pair.query(port: newPrimary, sql: "SELECT id FROM events WHERE site = 'gate-a'").split(separator: "\n").map(String.init))
        #expect(centralGateIDs == Set(gateIDs) || !strict, "the gate's events and the central's copy of them differ")
        // The feed: every risk assessment stored reaches the webhook, and any sent twice (its answer
        // lost in the failover) is sent under its own key again.
        let assessments = Set(try await pair.query(port: newPrimary, sql: "SELECT id FROM events WHERE kind = 'risk.assessment'").split(separator: "\n").map(String.init))
        let delivered = await eventually(timeout: .seconds(60), every: .milliseconds(250)) {
            Set(receiver.received.withLock { $0.filter(\.accepted).map(\.key) }).isSuperset(of: assessments)
        }
        let deliveries = receiver.received.withLock { $0 }
        #expect((delivered || !strict) && !assessments.isEmpty, "\(assessments.count) assessments stored, \(Set(deliveries.map(\.key)).count) delivered")
        #expect(Set(deliveries.map(\.key)).isSubset(of: assessments), "a delivery of an assessment the new primary lacks")
        #expect(deliveries.allSatisfy { $0.body["id"] as? String == $0.key }, "each delivery under its own event's id")
        let redelivered = deliveries.count - Set(deliveries.map(\.key)).count
        try await gate.stop()
        // A clean stop, so the store is quiet while it is checked.
        try await hub.stop()

        let acked = streams.ackedFrames.withLock { $0 }.values.flatMap { $0 }
        let resent = streams.resentFrames.withLock { $0 }.values.flatMap { $0 }
        var sends: [[UInt8]: Int] = [:]
        for frame in resent { sends[frame, default: 1] += 1 }
        let records = FrameCensus.records(
            fromHexLines: try await pair.query(port: newPrimary, sql: "SELECT encode(bytes, 'hex') FROM raw_records ORDER BY seq"))
        let found = FrameCensus.count(Set(acked), in: records)
        // The archive keeps one record per reading: a frame that yields two readings (a Teltonika
        // packet of two records, a GT06 alarm) is in two records, its own and its run's. So "once"
        // is "as often as most frames of its kind acked before the kill". The first frame after a
        // GT06 login is in one record more, the login's run (seen in every run so far). A resend
        // multiplies it (an ack lost with its link: the first copy may be stored, and the resend
        // is new input).
        var calmSpread: [String: [Int: Int]] = [:]
        for frame in calm { calmSpread[Self.kind(frame), default: [:]][found[frame, default: 0], default: 0] += 1 }
        let usual = calmSpread.mapValues { counts in counts.max { $0.value < $1.value }?.key ?? 1 }
        var afterLogin = Set<[UInt8]>()
        for frames in streams.ackedFrames.withLock({ $0 }).values {
            for (previous, next) in zip(frames, frames.dropFirst()) where Self.kind(previous) == "gt06/1" { afterLogin.insert(next) }
        }
        /// The copies a frame may have: its kind's usual count, one more after a login, per send.
        func allowed(_ frame: [UInt8]) -> Int {
            (usual[Self.kind(frame), default: 1] + (afterLogin.contains(frame) ? 1 : 0)) * sends[frame, default: 1]
        }
        let missing = acked.filter { found[$0, default: 0] == 0 }
        let tooMany = acked.filter { found[$0, default: 0] > allowed($0) }
        let duplicates = acked.filter { found[$0, default: 0] > usual[Self.kind($0), default: 1] }.count
        var spread: [String: [Int: Int]] = [:]
        for frame in acked { spread[Self.kind(frame), default: [:]][found[frame, default: 0], default: 0] += 1 }
        let census = spread.keys.sorted().map { k in
            "\(k) " + spread[k, default: [:]].sorted { $0.key < $1.key }.map { "\($0.value)x\($0.key)" }.joined(separator: ",")
        }
        let calmSet = Set(calm)
        let aboveUsual = acked.filter { found[$0, default: 0] > usual[Self.kind($0), default: 1] }
        let aboveUsualNote =
            "\(aboveUsual.count) above their kind's usual count (\(aboveUsual.filter { afterLogin.contains($0) }.count) right after a login, "
            + "\(aboveUsual.filter { !calmSet.contains($0) }.count) acked after the kill)"
        // Counts, not the arrays: a failure must not print thousands of frames.
        let (missingCount, tooManyCount) = (missing.count, tooMany.count)
        #expect(missingCount == 0 || !strict, "of \(acked.count) acknowledged frames not in raw_records")
        #expect(tooManyCount == 0, "acknowledged frames stored more often than their kind before the kill; \(census)")

        // Every declaration answered 2xx is stored, once (each number was posted once).
        let answered = declarant.answered2xx.withLock { $0 }
        let rows = try await pair.query(port: newPrimary, sql: "SELECT number, count(*) FROM declarations GROUP BY number")
        var versions: [String: Int] = [:]
        for row in rows.split(separator: "\n") {
            let f = row.split(separator: "|")
            if f.count == 2, let n = Int(f[1]) { versions[String(f[0])] = n }
        }
        let lostDeclarations = answered.keys.filter { versions[$0] == nil }
        let doubledDeclarations = answered.keys.filter { versions[$0, default: 0] > 1 }
        #expect(lostDeclarations.isEmpty || !strict, "declarations answered 2xx but not stored: \(lostDeclarations.sorted())")
        #expect(doubledDeclarations.isEmpty, "declarations stored twice: \(doubledDeclarations.sorted())")

        // The hash chains over raw records and events hold across the failover (verify finds the
        // writable server through the same multi-host URL).
        let verified = try CommandLineTests.run(["verify", "--config", config])
        #expect(verified.status == 0 && verified.out.hasSuffix("intact\n"), "verify: \(verified.out) \(verified.err)")

        let rawRows = try await pair.query(port: newPrimary, sql: "SELECT count(*), count(DISTINCT sha256) FROM raw_records")
        let statuses = declarant.statuses.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
        // While the store is away a client is told to try again (503), never that its credential or
        // its declaration is wrong (401, 4xx) or that the hub broke (500).
        let refusals = declarant.statuses.withLock { $0 }.keys.filter { !(200..<300).contains($0) && $0 != 503 }
        #expect(refusals.isEmpty, "statuses \(statuses)")
        let toFirstAck = resumedAt.map { "\($0 - killedAt)" } ?? "none"
        print(
            """
            failover (\(strict ? "synchronous" : "asynchronous") standby, \(tail) bytes of WAL not replayed at the kill): \(beforeKill) acks before the kill (\(atKill) once it was down), \(streams.acked) in all; \
            kill to first ack after it \(toFirstAck), promote took until \(promotedAt - killedAt); \
            \(streams.reconnects.withLock { $0 }) reconnects, \(resent.count) frames resent, \
            \(duplicates) acked frames stored more often than their kind in calm (\(tooMany.count) beyond what a login or resend explains), \(missing.count) missing; \
            frames by kind (count x copies) [\(census.joined(separator: "; "))], \(aboveUsualNote); \
            declarations \(answered.count) answered 2xx, statuses [\(statuses.joined(separator: " "))], \
            \(lostDeclarations.count) lost; raw_records rows|distinct sha256 \(rawRows); verify exit \(verified.status); \
            gate: \(gateIDs.count) events forwarded, on the new primary \(centralGate.rows) rows, \(centralGate.distinct) distinct; \
            feed: \(assessments.count) assessments, \(deliveries.count) deliveries (\(redelivered) again under the same key)
            """)
    }
}
#endif
