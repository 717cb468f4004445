import Foundation
import HubApp
import HubAppTesting
import HubDelivery
import HubDevices
import HubSite
import HubModel
import HubServer
import HubStore
import HubTesting
import Testing

/// The webhook and the forwarder over https, against real TLS receivers on loopback with
/// certificates a throwaway CA signed (openssl): delivered when the site's CA file trusts the
/// certificate; refused, retried and kept while it does not; and the backlog delivered once, in
/// order, when trust is right again.
@Suite(.timeLimit(.minutes(4)))
struct OutboundTLSTests {
    @Test func theWebhookDeliversOverHTTPSOnlyToATrustedCertificateAndLosesNothing() async throws {
        let pkiDir = try TemporaryDirectory("webhook-pki")
        let trusted = try await TestPKI.make("risk", in: pkiDir)
        let rogue = try await TestPKI.make("rogue", in: pkiDir)
        let receiver = try await TLSWebhookReceiver(presenting: trusted)
        let log = MemoryLog()
        let h = try await HubHarness(
            label: "webhook-tls", devices: "",
            siteExtra: "feed: {webhook: \"https://127.0.0.1:\(receiver.port)/feed\", caFile: \"\(trusted.ca)\"}",
            logger: log.logger(label: "hub"))
        // What the hub holds for the risk system (the pull side), and what reached the receiver.
        func held() async -> [String] {
            let items = (try? await h.get("/api/v1/feed?limit=1000").json["items"] as? [[String: Any]]) ?? []
            return items.compactMap { $0["idempotencyKey"] as? String }
        }
        func delivered() -> [String] { receiver.deliveries.map(\.key) }
        func declare(_ number: String) async throws {
            let r = try await h.post("/api/v1/declarations", DeclarationSamples.doc(number, containers: ["CSQU3054383"]))
            try #require(r.status == 201, "declaration \(number): \(r.status)")
        }

        // (a) The receiver's certificate chains to the configured CA file: delivered over https.
        try await declare("600000000101")
        var keys: [String] = []
        let first = await eventually(timeout: .seconds(60)) {
            keys = await held()
            return !keys.isEmpty && delivered() == keys
        }
        try #require(first, "delivered \(delivered()), held \(keys); log: \(log.text.suffix(2000))")
        let beforeRefusal = delivered()
        #expect(receiver.deliveries.allSatisfy { $0.body.count > 0 })

        // (b) Now a certificate from a CA the hub does not trust: every attempt is refused at the
        // handshake, again and again, logged and counted, and the item stays in the feed.
        try receiver.present(rogue)
        try await declare("600000000102")
        let refused = await eventually(timeout: .seconds(60)) {
            receiver.failedHandshakes.count >= 3 && log.text.contains("webhook unreachable")
        }
        #expect(refused, "handshakes refused: \(receiver.failedHandshakes)")
        #expect(delivered() == beforeRefusal, "nothing reached a receiver the hub does not trust")
        let waiting = await held()
        #expect(waiting.count > beforeRefusal.count, "the refused item is still held")
        let reason = log.text.split(separator: "\n").last { $0.contains("webhook unreachable") }.map(String.init) ?? ""
        #expect(reason.uppercased().contains("CERTIFICATE"), "the log says why: \(reason)")

        // (c) Trusted again: the backlog arrives, in order, each item exactly once.
        try receiver.present(trusted)
        let caughtUp = await eventually(timeout: .seconds(90)) {
            keys = await held()
            return keys.count >= waiting.count && delivered() == keys
        }
        #expect(caughtUp, "delivered \(delivered()), held \(keys)")
        let all = delivered()
        #expect(Set(all).count == all.count, "each item delivered once: \(all)")
        #expect(all.starts(with: beforeRefusal) && all.count >= waiting.count)
        print("webhook over https: \(beforeRefusal.count) delivered, \(receiver.failedHandshakes.count) handshakes refused while untrusted, then \(all.count - beforeRefusal.count) delivered once each")
        try await h.stop()
        try await receiver.stop()
    }

    /// The client itself: a redirect is answered, not followed (the bearer token goes to the
    /// configured URL only); an answer past the bound is an error, not memory; after shutdown it
    /// refuses to post.
    @Test func theClientFollowsNoRedirectReadsABoundedAnswerAndStopsWithTheHub() async throws {
        let pkiDir = try TemporaryDirectory("client-pki")
        let pki = try await TestPKI.make("client", in: pkiDir)
        let elsewhere = try await TLSWebhookReceiver(presenting: pki)
        let redirecting = try await TLSWebhookReceiver(presenting: pki, redirectTo: "https://127.0.0.1:\(elsewhere.port)/feed")
        let talkative = try await TLSWebhookReceiver(presenting: pki, answerBytes: 4096)
        let http = OutboundHTTP()
        let tls = OutboundHTTP.tls(caFile: pki.ca)
        let headers = [("Authorization", "Bearer nii_not_for_elsewhere"), ("Idempotency-Key", "k1")]
        let url = { (r: TLSWebhookReceiver) in URL(string: "https://127.0.0.1:\(r.port)/feed")! }

        let redirected = try await http.post(url(redirecting), headers: headers, body: Array("{}".utf8), tls: tls)
        #expect(redirected.status == 307, "the redirect comes back as the answer")
        #expect(redirecting.deliveries.map(\.key) == ["k1"] && elsewhere.deliveries.isEmpty)

        let small = try await http.post(url(talkative), headers: headers, body: [], tls: tls, maxAnswer: 8192)
        #expect(small.status == 200 && small.body.count == 4096)
        await #expect(throws: (any Error).self, "an answer past maxAnswer") {
            _ = try await http.post(url(talkative), headers: headers, body: [], tls: tls, maxAnswer: 1024)
        }

        await http.shutdown()
        await #expect(throws: OutboundHTTP.Failure.self) {
            _ = try await http.post(url(elsewhere), headers: headers, body: [], tls: tls)
        }
        #expect(elsewhere.deliveries.isEmpty)
        for r in [elsewhere, redirecting, talkative] { try await r.stop() }
    }

    @Test func aGateForwardsToATLSCentralOnlyWhenItTrustsItsCertificate() async throws {
        let pkiDir = try TemporaryDirectory("forward-pki")
        let central = try await TestPKI.make("central", in: pkiDir)
        let rogue = try await TestPKI.make("other", in: pkiDir)
        let hub = try await HubHarness(
            label: "central-tls", devices: "", siteExtra: "tls: {certificate: \"\(central.certificate)\", key: \"\(central.key)\"}",
            site: "central")
        let dir = try TemporaryDirectory("gate-tls")
        // The central speaks only https, so the gate uses the central's first-start admin token.
        try dir.write("central.token", hub.adminToken + "\n")
        func forward(trusting ca: String) -> String {
            "forward: {url: \"https://127.0.0.1:\(hub.port)/api/v1/forwarded\", tokenFile: central.token, caFile: \"\(ca)\", batch: 3, maxBackoffS: 0.5}"
        }
        let log = MemoryLog()
        let untrusting = try await HubHarness(
            reusing: dir, devices: "", siteExtra: forward(trusting: rogue.ca), site: "gate-t", logger: log.logger(label: "gate"))
        // Events to forward: declarations (each stored with its risk assessment).
        for n in 1...4 {
            let r = try await untrusting.post("/api/v1/declarations", DeclarationSamples.doc("60000000020\(n)", containers: ["CSQU3054383"]))
            try #require(r.status == 201)
        }
        let forwarder = try #require(untrusting.hub.forwarder)
        // (b) The central's certificate does not chain to the gate's CA file: refused, retried, kept.
        #expect(await eventually(timeout: .seconds(60)) { forwarder.status.failures >= 3 && forwarder.status.backlog > 0 })
        let s = forwarder.status
        #expect(s.events == 0 && s.cursor == 0)
        #expect(s.lastError?.uppercased().contains("CERTIFICATE") == true, "\(s.lastError ?? "no error")")
        #expect(log.text.contains("forward failed; retrying"))
        #expect(!log.text.contains(hub.adminToken), "the bearer token is never logged")
        let centralStore = try SQLiteEventStore(path: hub.hub.config.storePath)
        var fromGate = EventQuery()
        fromGate.site = "gate-t"
        #expect(try await centralStore.events(fromGate).events.isEmpty)
        try await untrusting.stop()

        // (a), (c) Started again trusting the central's CA: the backlog arrives over https, in order, once.
        let gate = try await HubHarness(
            reusing: dir, devices: "", siteExtra: forward(trusting: central.ca), site: "gate-t",
            adminToken: untrusting.adminToken)
        let trusting = try #require(gate.hub.forwarder)
        let gateStore = try SQLiteEventStore(path: gate.hub.config.storePath)
        func ids(_ store: SQLiteEventStore) async throws -> [String] {
            try await store.storedEvents(after: 0, limit: 100_000).map { try ForwardTests.id(of: $0.body) }
        }
        var here: [String] = []
        var there: [String] = []
        let arrived = await eventually(timeout: .seconds(90)) {
            guard let g = try? await ids(gateStore), let c = try? await ids(centralStore) else { return false }
            (here, there) = (g, c)
            return !g.isEmpty && g == c && trusting.status.backlog == 0
        }
        #expect(arrived, "central \(there.count), gate \(here.count): \(trusting.status)")
        #expect(there == here && Set(there).count == there.count)
        #expect(trusting.status.alreadyHad == 0 && trusting.status.failures == 0, "\(trusting.status)")
        print("forward over https: \(s.failures) attempts refused while untrusted, then \(there.count) events in \(trusting.status.batches) batches, each once")
        try await gate.stop()
        try await hub.stop()
    }
}
