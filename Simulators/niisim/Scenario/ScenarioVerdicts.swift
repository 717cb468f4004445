import Foundation
import HubModel

extension Scenario {
    /// Image analysts judging the newest scan of `container`: the first analyst's verdict (with one
    /// marked region, the scanner's detection region when it gave one) and, for suspect and
    /// inspection, the second analyst's confirmation; `by` names the two (default `analyst1`, `analyst2`),
    /// who are made analysts on the hub if they are not yet.
    struct VerdictStep: Decodable, Sendable {
        /// The scan's container, or for a bag the vehicle's plate (as written on the plate).
        var container: String?
        var plate: String?
        var verdict: String
        var by: [String]?
        var label: String?
        var reason: String?
    }
}

extension ScenarioPlayer {
    static let analystPassword = "niisim-analyst-2026"

    /// The two analysts' verdicts on the newest scan of the step's container (or plate).
    func verdict(_ v: Scenario.VerdictStep) async throws {
        let names = v.by ?? ["analyst1", "analyst2"]
        guard names.count == 2, names[0] != names[1] else { throw ScenarioError("verdict: by: names two different analysts") }
        guard let key = v.container ?? v.plate else { throw ScenarioError("verdict: needs container: or plate:") }
        let plate = v.plate.flatMap(Plate.normalize)
        // The scan is written a moment ago; the hub may still be reading its folder.
        var scan: [String: Any]?
        let deadline = Date().addingTimeInterval(60)
        while scan == nil {
            scan = try await hub.events(kind: "scan.result").last { e in
                let s = e["subject"] as? [String: Any]
                if let c = v.container { return (s?["containers"] as? [String])?.contains(c) == true }
                return (s?["plates"] as? [String])?.contains(plate ?? "") == true
            }
            if scan == nil {
                guard Date() < deadline else { throw ScenarioError("verdict: no scan of \(key) reached the hub") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        guard let id = scan?["id"] as? String else { throw ScenarioError("verdict: the scan has no id") }
        let data = scan?["data"] as? [String: Any] ?? [:]
        let image = ((data["images"] as? [[String: Any]])?.first?["name"] as? String)
        let atd = (data["atdRegions"] as? [[String: Any]])?.first
        var region: [String: Any] = [
            "x": atd?["x"] ?? 120, "y": atd?["y"] ?? 40, "width": atd?["width"] ?? 64, "height": atd?["height"] ?? 48,
            "label": v.label ?? "dense mass",
        ]
        region["image"] = (atd?["image"] as? String) ?? image
        let reason = v.reason ?? "the image does not match the declared goods"
        let steps = v.verdict == "clear" ? [names[0]] : names
        for (k, name) in steps.enumerated() {
            let analyst = try await person(name, role: "analyst")
            let claim = try await analyst.post("/api/v1/reviews/\(id)/claim", json: [:])
            guard claim.status == 200 else { throw ScenarioError("verdict: \(name) could not claim the scan: HTTP \(claim.status) \(claim.json)") }
            var body: [String: Any] = ["verdict": v.verdict]
            if v.verdict != "clear" { body["reason"] = reason }
            if v.verdict == "suspect", k == 0 { body["regions"] = [region] }
            let r = try await analyst.post("/api/v1/reviews/\(id)/verdict", json: body)
            guard r.status == 201 else { throw ScenarioError("verdict: \(name)'s \(v.verdict): HTTP \(r.status) \(r.json)") }
            note("verdict: \(name) judged the scan of \(key) \(v.verdict)\(k == 1 ? " (second analyst)" : "")")
        }
    }

    /// A client with `name`'s session, made first with `role` when the hub does not know them.
    func person(_ name: String, role: String) async throws -> HubClient {
        _ = try await hub.post("/api/v1/users", json: ["user": name, "role": role, "password": Self.analystPassword])
        let login = try await hub.post("/api/v1/login", json: ["user": name, "password": Self.analystPassword])
        guard let token = login.json["token"] as? String else { throw ScenarioError("\(role) \(name) could not log in: HTTP \(login.status)") }
        return HubClient(base: hub.base, token: token)
    }
}
