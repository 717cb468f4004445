import Foundation
import HTTPTypes
import Hummingbird
import HubAppTesting
import HubCorrelation
import HubDevices
import HubTesting
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The risk system's side: a real HTTP receiver on loopback that refuses the first deliveries.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var key: String
        var accepted: Bool
        /// When it arrived (its answer goes out `answerDelay` later).
        var at = ContinuousClock.now
        var body: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
        var data: Data
    }

    let received = Mutex<[Delivery]>([])
    let refusals: Mutex<Int>
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    let port: Int

    /// `answerDelay`: how long each delivery waits, recorded, for its answer (a slow risk system).
    init(refuseFirst: Int, answerDelay: Duration = .zero) async throws {
        refusals = Mutex(refuseFirst)
        let router = Router()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let holder = Holder()
        router.post("/feed") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let response = holder.handle(request.headers[HTTPField.Name("Idempotency-Key")!] ?? "", Data(body.readableBytesView))
            if answerDelay > .zero { try await Task.sleep(for: answerDelay) }
            return response
        }
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let g = group
        task = Task { try await g.run() }
        var p = 0
        for await x in ports {
            p = x
            break
        }
        port = p
        holder.receiver = self
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Routes requests to the receiver once it exists.
    final class Holder: @unchecked Sendable {
        // Set once before the first request can arrive; read only afterwards.
        nonisolated(unsafe) weak var receiver: WebhookReceiver?

        func handle(_ key: String, _ data: Data) -> Response {
            guard let r = receiver else { return Response(status: .serviceUnavailable) }
            let refuse = r.refusals.withLock { n -> Bool in
                guard n > 0 else { return false }
                n -= 1
                return true
            }
            r.received.withLock { $0.append(Delivery(key: key, accepted: !refuse, data: data)) }
            return Response(status: refuse ? .serviceUnavailable : .ok)
        }
    }
}

/// Device bytes to a feed item: a suspect scan of a declared container raises the declaration's risk,
/// the assessment goes out by webhook (retried with the same key) and can be pulled.
@Suite(.timeLimit(.minutes(3)))
struct FeedTests {
    @Test func aSuspectScanReachesTheRiskSystemByWebhookAndPull() async throws {
        let receiver = try await WebhookReceiver(refuseFirst: 2)
        let h = try await HubHarness(
            label: "feed", siteExtra: "feed: {webhook: \"http://127.0.0.1:\(receiver.port)/feed\"}")
        _ = try await h.post(
            "/api/v1/declarations", DeclarationSamples.doc("600000000001", containers: ["CSQU3054383"], plate: "29H99999"))
        let scan = try await h.post("/api/v1/scans", ScanSamples.suspect)
        #expect(scan.status == 201)
        // Assessments come as the declaration and the scan arrive; the scan's raises the channel.
        func escalated() -> Bool {
            receiver.received.withLock { d in
                d.contains { $0.accepted && (($0.body["data"] as? [String: Any])?["signals"] as? [[String: Any]])?
                    .contains { $0["signal"] as? String == "scanSuspect" } == true }
            }
        }
        #expect(await eventually(timeout: .seconds(30)) { escalated() })
        let deliveries = receiver.received.withLock { $0 }
        // Two refusals, then the same item again with the same key.
        // (Under load the first assessment may already include the scan, so the count varies.)
        try #require(deliveries.count >= 3, "three deliveries at least: \(deliveries.count) arrived")
        #expect(!deliveries[0].accepted && !deliveries[1].accepted && deliveries[2].accepted)
        #expect(deliveries[0].key == deliveries[1].key && deliveries[1].key == deliveries[2].key)
        let acceptedKeys = deliveries.filter(\.accepted).map(\.key)
        #expect(Set(acceptedKeys).count == acceptedKeys.count, "each item taken once")
        let last = try #require(deliveries.last { $0.accepted }?.body)
        let data = try #require(last["data"] as? [String: Any])
        #expect((last["subject"] as? [String: Any])?["declaration"] as? String == "600000000001")
        #expect(data["channel"] as? String == "yellow" || data["channel"] as? String == "red")
        let suspect = (data["signals"] as? [[String: Any]])?.first { $0["signal"] as? String == "scanSuspect" }
        // The scan itself (and, once its lane passage closes, the passage too).
        #expect((suspect?["evidence"] as? [String])?.contains(scan.json["id"] as? String ?? "-") == true)

        // The pull side gives the same items in the same order, each with its cursor.
        let pulled = try await h.get("/api/v1/feed").json["items"] as? [[String: Any]] ?? []
        #expect(Array(pulled.compactMap { $0["idempotencyKey"] as? String }.prefix(acceptedKeys.count)) == acceptedKeys)
        let after = try #require(pulled.first?["cursor"] as? String)
        let rest = try await h.get("/api/v1/feed?after=\(after)").json["items"] as? [[String: Any]] ?? []
        #expect(rest.count == pulled.count - 1)

        // Restarted: nothing already taken is delivered again.
        let dir = h.dir
        try await h.stop()
        let taken = Set(receiver.received.withLock { $0.filter(\.accepted).map(\.key) })
        let before = receiver.received.withLock { $0.count }
        let again = try await HubHarness(
            reusing: dir, siteExtra: "feed: {webhook: \"http://127.0.0.1:\(receiver.port)/feed\"}")
        // A declaration lodged after the restart: its assessment is stored after every older item and
        // the feed goes one at a time in that order, so once it is taken, anything resent came before.
        let lodged = try await again.post(
            "/api/v1/declarations", DeclarationSamples.doc("600000000002", containers: ["MSKU9070323"], plate: "29H88888"))
        #expect(lodged.status == 201)
        #expect(await eventually(timeout: .seconds(30)) {
            receiver.received.withLock { Array($0.dropFirst(before)) }.contains {
                $0.accepted && ($0.body["subject"] as? [String: Any])?["declaration"] as? String == "600000000002"
            }
        }, "the item stored after the restart is delivered")
        let resent = receiver.received.withLock { Array($0.dropFirst(before)) }.filter { taken.contains($0.key) }
        #expect(resent.isEmpty)
        try await again.stop()
        try await receiver.stop()
    }

    @Test func theShippedRiskPolicyLoadsAndABadOneSaysWhere() throws {
        let policy = try YAMLDocument.load(RiskPolicy.self, path: Corpus.packageRoot.appendingPathComponent("config/risk-policy.yaml").path)
        #expect(policy.weights["radiationAlarm"] == 60 && policy.redFrom == 60)
        let dir = try TemporaryDirectory("policy")
        let bad = try dir.write("policy.yaml", "weights:\n  radiationAlarm: 60\n  ufo: 5\n")
        #expect(throws: ConfigError.self) { try YAMLDocument.load(RiskPolicy.self, path: bad) }
        do {
            _ = try YAMLDocument.load(RiskPolicy.self, path: bad)
        } catch let e as ConfigError {
            #expect(e.line == 2 && e.field == "weights" && e.message.contains("ufo"))
        }
    }
}
