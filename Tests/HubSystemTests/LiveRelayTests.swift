import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubServer
import HubStore
import HubTesting
import Synchronization
import Testing

/// Two hubs (replicas) on one PostgreSQL database: an operator connected to B sees, live, the alarm
/// an RPM on A raised, and A's operator acknowledging and adjudicating it.
@Suite(.timeLimit(.minutes(3)))
struct LiveRelayTests {
    /// Every text frame a WebSocket client received, for `eventually` to look through.
    final class Received: Sendable {
        private let texts = Mutex<[String]>([])
        func add(_ text: String) { texts.withLock { $0.append(text) } }
        /// The first frame of `type` that `matches`.
        func first(_ type: String, where matches: ([String: Any]) -> Bool = { _ in true }) -> [String: Any]? {
            for text in texts.withLock({ $0 }) {
                guard let frame = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                    frame["type"] as? String == type, let body = frame[type] as? [String: Any], matches(body)
                else { continue }
                return body
            }
            return nil
        }
    }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func anAlarmAndItsAcknowledgementOnOneReplicaReachAnOperatorOnTheOther() async throws {
        let store = StoreKind.postgresBlock(try await PostgresTestServer.scratch())
        let a = try await HubHarness(label: "relay-a", site: "gate-a", store: store)
        let b = try await HubHarness(label: "relay-b", site: "gate-b", store: store, adminToken: a.adminToken)
        let pty = try PseudoTerminal()
        try pty.link(at: a.devicePath)
        #expect(await eventually { (try? await a.device("rpm-lane1")["state"] as? String) == "online" })

        // An operator's console on B, once B hears the database's notices.
        let (texts, client) = b.liveTexts(token: try await b.token("operator"))
        let received = Received()
        let reader = Task { for await text in texts { received.add(text) } }
        #expect(await eventually { b.hub.live.count == 1 })
        #expect(await eventually { b.hub.liveRelay?.notices.isListening == true })

        // The RPM on A alarms: B's console gets the alarm as A stored it.
        try await pty.play(try LiveAlarmTests.linesToFirstAlarm()[...])
        #expect(await eventually { received.first("event") { $0["kind"] as? String == "radiation.alarm" } != nil })
        let alarm = try #require(received.first("event") { $0["kind"] as? String == "radiation.alarm" })
        let id = try #require(alarm["id"] as? String)
        #expect(alarm["severity"] as? String == "alarm")
        #expect(alarm["site"] as? String == "gate-a")
        #expect(alarm["lane"] as? String == "1")
        #expect((alarm["device"] as? [String: Any])?["id"] as? String == "rpm-lane1")
        #expect(try await a.get("/api/v1/events/\(id)").status == 200)

        // A's operator acknowledges it, then adjudicates it: both reach B's console with their author.
        let operatorA = try await a.token("operator")
        #expect(try await a.post("/api/v1/alarms/\(id)/acknowledgement", "{}", token: operatorA).status == 201)
        #expect(await eventually { received.first("acknowledgement") { $0["eventID"] as? String == id } != nil })
        let ack = try #require(received.first("acknowledgement") { $0["eventID"] as? String == id })
        #expect(ack["by"] as? String == "test operator")

        #expect(
            try await a.post("/api/v1/alarms/\(id)/adjudication", #"{"code": "norm", "note": "fertiliser"}"#, token: operatorA)
                .status == 201)
        #expect(await eventually { received.first("adjudication") { $0["eventID"] as? String == id } != nil })
        let adjudication = try #require(received.first("adjudication") { $0["eventID"] as? String == id })
        #expect(adjudication["by"] as? String == "test operator")
        #expect(adjudication["note"] as? String == "fertiliser")

        client.cancel()
        reader.cancel()
        try await a.stop()
        try await b.stop()
        pty.close()
    }

    /// An admin approves a quarantined unit on replica A: replica B, where the unit may dial in
    /// next (a load balancer picks), admits it too, without a restart.
    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aUnitApprovedOnOneReplicaIsAdmittedOnTheOther() async throws {
        let store = StoreKind.postgresBlock(try await PostgresTestServer.scratch())
        let devices = """
              - {id: seals, profile: gt06-eseal, listen: "127.0.0.1:0", units: ["\(AdmissionTests.known)"], admission: quarantine}
            """
        let a = try await HubHarness(label: "admit-a", devices: devices, site: "gate-a", store: store)
        let b = try await HubHarness(label: "admit-b", devices: devices, site: "gate-a", store: store, adminToken: a.adminToken)
        #expect(await eventually { b.hub.liveRelay?.notices.isListening == true })
        let unit = AdmissionTests.stranger
        #expect(b.hub.registry.admissions.decision(device: "seals", unit: unit) == nil)

        #expect(try await a.post("/api/v1/admission/seals/\(unit)/approve", "").status == 200)
        #expect(await eventually { b.hub.registry.admissions.decision(device: "seals", unit: unit) == .approved })
        #expect(try await b.post("/api/v1/admission/seals/\(unit)/deny", "").status == 200)
        #expect(await eventually { a.hub.registry.admissions.decision(device: "seals", unit: unit) == .denied })

        try await a.stop()
        try await b.stop()
    }
}
