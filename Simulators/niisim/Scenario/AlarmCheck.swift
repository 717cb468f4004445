import Foundation

/// The `alarms:` items of `expect:` against what the operator's page reads: the alarm queue
/// (`GET /api/v1/alarms`, every event of severity alarm with its adjudication state) and, for
/// warnings, the event list (`GET /api/v1/events?severity=warning`).
struct AlarmCheck {
    let hub: HubClient

    /// One alarm as the queue shows it.
    struct Row: Equatable {
        var kind: String
        var device: String
        var severity: String
        var state: String
    }

    func items(_ wanted: [Scenario.Alarm]) async throws -> [ExpectationCheck.Item] {
        var bySeverity: [String: [Row]] = [:]
        for severity in Set(wanted.map { $0.severity ?? "alarm" }) { bySeverity[severity] = try await rows(severity) }
        return wanted.map { Self.item($0, bySeverity[$0.severity ?? "alarm"] ?? []) }
    }

    private func rows(_ severity: String) async throws -> [Row] {
        if severity == "alarm" {
            let list = try await hub.get("/api/v1/alarms")["alarms"] as? [[String: Any]] ?? []
            return list.map { a in Self.row(a["event"] as? [String: Any] ?? [:], state: a["state"] as? String ?? "?") }
        }
        let events = try await hub.get("/api/v1/events?severity=\(severity)&limit=1000")["events"] as? [[String: Any]] ?? []
        return events.map { Self.row($0, state: "-") }
    }

    private static func row(_ e: [String: Any], state: String) -> Row {
        Row(kind: e["kind"] as? String ?? "?", device: (e["device"] as? [String: Any])?["id"] as? String ?? "?",
            severity: e["severity"] as? String ?? "?", state: state)
    }

    static func item(_ want: Scenario.Alarm, _ rows: [Row]) -> ExpectationCheck.Item {
        let matching = rows.filter { r in
            (want.kind.hasSuffix(".*") ? r.kind.hasPrefix(String(want.kind.dropLast())) : r.kind == want.kind)
                && (want.device == nil || r.device == want.device) && (want.state == nil || r.state == want.state)
        }
        let n = matching.count
        let ok = want.count.map { n == $0 } ?? (n >= (want.atLeast ?? 1))
        let expected = want.count.map { "exactly \($0)" } ?? "at least \(want.atLeast ?? 1)"
        var found = "\(n)"
        if !ok {
            // What the queue does hold, so a wrong kind or device is seen at once.
            let groups = Dictionary(grouping: rows) { "\($0.kind) from \($0.device) (\($0.state))" }
            found += rows.isEmpty ? "; the queue is empty"
                : "; the queue holds " + groups.keys.sorted().map { "\(groups[$0]!.count) × \($0)" }.joined(separator: ", ")
        }
        let name = ["alarms \(want.kind)", want.device.map { "from \($0)" }, want.severity.map { "severity \($0)" },
                    want.state.map { "state \($0)" }].compactMap { $0 }.joined(separator: " ")
        return ExpectationCheck.Item(name: name, expected: expected, found: found, ok: ok)
    }
}
