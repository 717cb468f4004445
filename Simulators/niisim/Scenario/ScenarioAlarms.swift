import Foundation
import HubDevices
import HubDrivers
import HubModel

/// The timeline's trace detector swabs and the operator's acknowledgements.
extension ScenarioPlayer {
    /// The line a trace detector writes: its profile's `line:` section, or the hub's standard trace line.
    static func traceSchema(_ profile: String?) throws -> LineSchema {
        guard let profile else { return DeclaredLineDriver.standardSchema }
        guard let line = try YAMLDocument.load(DeviceProfile.self, path: profile).line else {
            throw ScenarioError("\(profile) has no line: section")
        }
        return line
    }

    /// One result line, stamped now (the detector's clock, skewed as the step's faults say).
    func swab(_ t: Scenario.TraceStep, faults: FaultOptions?) throws {
        guard let out = outputs[t.device], let schema = traceSchemas[t.device] else {
            throw ScenarioError("trace: device \(t.device) is not open")
        }
        let sample = TraceSample(alarm: t.substance != nil, substance: t.substance, channel: t.channel, amplitude: t.amplitude)
        let values = sample.values(
            at: Date().addingTimeInterval(faults?.clockSkew ?? 0), lane: "1", schema: schema, container: t.container, plate: t.plate)
        var inject = injector(faults, .trace)
        out.write(Self.damage(DeclaredLineEncoder.encode(values, schema: schema), &inject))
        trace.record(values.merging(["device": t.device]) { a, _ in a })
        note("\(t.device): " + (t.substance.map { "alarm \($0) on \(t.channel), amplitude \(t.amplitude)" } ?? "clear"))
    }

    /// Acknowledges the newest unacknowledged alarm of the step's kind (and device) once the hub has it.
    func acknowledge(_ a: Scenario.AcknowledgeStep) async throws {
        let deadline = Date().addingTimeInterval(a.withinS)
        while true {
            let alarms = try await hub.get("/api/v1/alarms")["alarms"] as? [[String: Any]] ?? []
            // Newest first, as the queue lists them.
            let open = alarms.first { row in
                let e = row["event"] as? [String: Any] ?? [:]
                return (row["acknowledgement"] == nil || row["acknowledgement"] is NSNull) && e["kind"] as? String == a.kind
                    && (a.device == nil || (e["device"] as? [String: Any])?["id"] as? String == a.device)
            }
            if let id = (open?["event"] as? [String: Any])?["id"] as? String {
                let r = try await hub.post("/api/v1/alarms/\(id)/acknowledgement", json: [:])
                guard (200..<300).contains(r.status) else { throw ScenarioError("acknowledge \(id): HTTP \(r.status) \(r.json)") }
                note("acknowledged \(a.kind) \(id)")
                return
            }
            guard Date() < deadline else {
                throw ScenarioError("acknowledge: no unacknowledged \(a.kind)\(a.device.map { " from \($0)" } ?? "") within \(a.withinS) s")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
