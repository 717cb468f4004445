import Foundation

extension Scenario {
    /// A supervisor's command to a tracker or e-seal that has logged in: `unlock`, `lock` or
    /// `position`, with its reason; `by` names the supervisor who asks and the one who approves an
    /// unlock the hub holds outside the destination zone (default `supervisor1`, `supervisor2`), made
    /// supervisors on the hub if they are not yet. The simulated unit answers as the real one does.
    struct CommandStep: Decodable, Sendable {
        var device: String
        var unit: String
        var command: String
        var reason: String?
        var by: [String]?
    }
}

extension ScenarioPlayer {
    /// Asks, approves when the hub holds the command, and answers it from the unit's connection.
    func command(_ c: Scenario.CommandStep) async throws {
        let names = c.by ?? ["supervisor1", "supervisor2"]
        guard names.count == 2, names[0] != names[1] else { throw ScenarioError("command: by: names two different supervisors") }
        guard let link = trackers[c.device + "/" + c.unit] else {
            throw ScenarioError("command: \(c.unit) on \(c.device) has not reported yet, so it has no connection")
        }
        let asker = try await person(names[0], role: "supervisor")
        let asked = try await asker.post(
            "/api/v1/seals/\(c.unit)/commands", json: ["command": c.command, "reason": c.reason ?? "scenario"])
        guard asked.status == 202, let id = asked.json["id"] as? String else {
            throw ScenarioError("command: \(c.command) to \(c.unit): HTTP \(asked.status) \(asked.json)")
        }
        if asked.json["state"] as? String == "pending-approval" {
            let approver = try await person(names[1], role: "supervisor")
            let approved = try await approver.post("/api/v1/seals/\(c.unit)/commands/\(id)/approve", json: [:])
            guard approved.status == 202 else { throw ScenarioError("command: \(names[1]) could not approve \(id): HTTP \(approved.status) \(approved.json)") }
            note("command: \(names[0])'s \(c.command) to \(c.unit) held (\(asked.json["zone"] as? String ?? "")), approved by \(names[1])")
        }
        let answer = try link.answerCommand()
        note("command: \(c.unit) answered \(c.command): \(answer)")
    }
}
