import Foundation
import HubApp
import HubAppTesting
import HubModel
import HubStore
import HubTesting
import Testing

/// The national view on a central hub (SQLite and PostgreSQL): gates of two departments and one in
/// none forward real events; the figures per gate and per department, the uplinks' backlog and lag,
/// a gate's lanes, and who may read it all.
@Suite(.timeLimit(.minutes(4)))
struct NationalTests {
    static func department(_ view: [String: Any], _ id: String) -> [String: Any]? {
        (view["departments"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id }
    }

    /// The counts of a gate or a department's totals, in `NationalScenario.figureNames` order.
    static func counts(_ figures: [String: Any]?) -> [Int] { NationalScenario.figureNames.map { figures?[$0] as? Int ?? -1 } }

    @Test(arguments: StoreKind.testable)
    func figuresPerGateAndDepartmentFromForwardedEvents(_ kind: StoreKind) async throws {
        let central = try await HubHarness(
            label: "national-\(kind)", devices: "", siteExtra: NationalScenario.config, site: "central", store: try await kind.siteBlock())
        let scenario = NationalScenario()
        let (tokens, allTaken) = try await scenario.post(to: central)
        #expect(allTaken)
        let (tokenA, tokenB, tokenC) = (tokens["gate-a"], tokens["gate-b"], tokens["gate-c"])
        // A gate reports for itself only, and a report says what it means.
        let asOther = try await central.post("/api/v1/forwarded/status", #"{"source":"gate-b","backlog":0}"#, token: tokenC)
        #expect(asOther.status == 403 && asOther.json["field"] as? String == "source")
        let negative = try await central.post("/api/v1/forwarded/status", #"{"source":"gate-c","backlog":-1}"#, token: tokenC)
        #expect(negative.status == 400 && negative.json["field"] as? String == "backlog")
        let badTime = try await central.post("/api/v1/forwarded/status", #"{"source":"gate-c","backlog":1,"oldestWaitingAt":"soon"}"#, token: tokenC)
        #expect(badTime.status == 400 && badTime.json["field"] as? String == "oldestWaitingAt")

        let operatorToken = try await central.token("operator")
        let view = try await central.get("/api/v1/national", token: operatorToken)
        #expect(view.status == 200)
        let gates = NationalScenario.gates(view.json)
        // devices online/reporting, alarms 24 h, passages 1 h, scans awaiting, seals in transit, deviations open
        for (gate, figures) in NationalScenario.expected { #expect(Self.counts(gates[gate]) == figures, "\(gate)") }
        #expect(gates["gate-x"]?["heard"] as? Bool == false && gates["gate-x"]?["forwarding"] as? Bool == false)

        // Departments in the configured order with their gates; the gate in none, unassigned.
        let departments = view.json["departments"] as? [[String: Any]] ?? []
        #expect(departments.map { $0["id"] as? String } == ["03", "01", "unassigned"])
        #expect(Self.department(view.json, "03")?["name"] as? String == "Hải Phòng")
        #expect((Self.department(view.json, "03")?["gates"] as? [[String: Any]])?.map { $0["site"] as? String } == ["gate-a", "gate-x"])
        let unassigned = (Self.department(view.json, "unassigned")?["gates"] as? [[String: Any]] ?? []).compactMap { $0["site"] as? String }
        #expect(unassigned == ["gate-c"])
        // A department's totals are its gates' sums (gate-x adds nothing).
        #expect(Self.counts(Self.department(view.json, "03")?["totals"] as? [String: Any]) == NationalScenario.expected["gate-a"])
        #expect(Self.counts(Self.department(view.json, "01")?["totals"] as? [String: Any]) == NationalScenario.expected["gate-b"])

        // The uplinks: gate-a's backlog from its batch's envelope, gate-c's from its status report,
        // gate-b's unknown (its batch carried none).
        let upA = try #require(gates["gate-a"])
        #expect(upA["backlog"] as? Int == 7 && upA["through"] as? Int == scenario.gateA.count && upA["batches"] as? Int == 1)
        #expect(upA["oldestWaitingAt"] as? String == Timestamp.format(scenario.now.addingTimeInterval(-120)))
        #expect((upA["lagS"] as? Double ?? 0) >= 120 && upA["lastBatchAt"] != nil && upA["reportedAt"] != nil)
        let upB = try #require(gates["gate-b"])
        #expect(upB["forwarding"] as? Bool == true && upB["backlog"] == nil && upB["lagS"] == nil && upB["lastBatchAt"] != nil)
        let upC = try #require(gates["gate-c"])
        #expect(upC["backlog"] as? Int == 3 && upC["oldestWaitingAt"] as? String == scenario.gateCOldest && (upC["lagS"] as? Double ?? 0) >= 300)
        #expect((Self.department(view.json, "03")?["totals"] as? [String: Any])?["backlog"] as? Int == 7)
        #expect((view.json["alarmsMeaning"] as? String)?.contains("not forwarded") == true)

        // gate-b, idle now, reports nothing waiting: its lag is nothing.
        #expect(try await central.post("/api/v1/forwarded/status", #"{"source":"gate-b","backlog":0}"#, token: tokenB).status == 200)
        let later = NationalScenario.gates(try await central.get("/api/v1/national", token: operatorToken).json)
        #expect(later["gate-b"]?["backlog"] as? Int == 0 && later["gate-b"]?["lagS"] as? Double == 0)
        #expect(later["gate-b"]?["batches"] as? Int == 1, "a status report is not a batch")

        // gate-a's lanes: each with its latest passage (the revision) and last occupancy.
        let lanes = try await central.get("/api/v1/national/gates/gate-a/lanes", token: operatorToken)
        #expect(lanes.status == 200)
        let rows = lanes.json["lanes"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["lane"] as? String } == ["1", "2"])
        let lane1 = rows.first?["passage"] as? [String: Any]
        #expect(lane1?["passage"] as? String == "P1" && lane1?["alarmed"] as? Bool == true && lane1?["plates"] as? [String] == ["15C-111.11"])
        #expect(lane1?["event"] as? String == scenario.gateA[9].id)
        #expect((rows.first?["occupancy"] as? [String: Any])?["event"] as? String == scenario.gateA[5].id)
        #expect((rows.last?["passage"] as? [String: Any])?["passage"] as? String == "P2" && rows.last?["occupancy"] == nil)

        // Who may read it: people, not a gate's credential, not anyone without one.
        #expect(try await central.get("/api/v1/national", token: try await central.token("analyst")).status == 200)
        #expect(try await central.get("/api/v1/national", token: tokenA).status == 403)
        #expect(try await central.get("/api/v1/national/gates/gate-a/lanes", token: tokenA).status == 403)
        #expect(try await central.get("/api/v1/national", token: nil).status == 401)
        #expect(try await central.get("/api/v1/national/gates/gate-a/lanes", token: nil).status == 401)
        try await central.stop()
    }
}
