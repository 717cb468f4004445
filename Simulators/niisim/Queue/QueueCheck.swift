import Foundation
import HubModel
import HubSimulation

/// The hub's passages of a played queue, graded: its events traced back to their trucks (portal
/// occupancies by order, reads by text and time, scans by id), its `gate.passage` events (newest
/// revision of each) checked with `AttributionCheck`.
struct QueueCheck {
    let client: HubClient
    let world: LaneTraffic
    let written: QueuePlayer.Written
    let since: Date

    /// Waits until the hub has a passage with an occupancy for every truck and nothing changed for
    /// a few seconds (or the timeout), then grades.
    func settle(timeoutS: Double) async throws -> Outcome {
        let deadline = Date().addingTimeInterval(timeoutS)
        var last = -1, quiet = 0
        while true {
            let passages = try await self.passages()
            let anchored = Set(passages.compactMap { $0.occupancy }).count
            quiet = passages.count == last ? quiet + 1 : 0
            last = passages.count
            if (anchored >= world.plan.trucks.count && quiet >= 5) || Date() >= deadline { return try await grade(passages) }
            try await Task.sleep(for: .seconds(1))
        }
    }

    struct Outcome {
        let check: AttributionCheck
        let trucks: Int
        var sound: Bool { check.sound }

        var report: String {
            func line(_ v: AttributionCheck.Verdict) -> String {
                String(format: "  %@: %d (%.1f %%)", v.rawValue, check.count(v), check.share(v) * 100)
            }
            var out = ["queue of \(trucks) trucks: \(check.evidence) reads and scans at the hub"]
            out += AttributionCheck.Verdict.allCases.map(line)
            out.append("  alarms off their truck: \(check.misplacedAlarms); portal mismatches: \(check.portalMismatches)")
            out += check.problems.prefix(30).map { "  problem: \($0)" }
            out.append(check.sound ? "no silent misattribution" : "SILENT MISATTRIBUTION")
            return out.joined(separator: "\n")
        }
    }

    private func grade(_ passages: [CheckedPassage]) async throws -> Outcome {
        var truth = GroundTruth(trucks: world.plan.trucks.count)
        truth.gammaAlarms = Set(world.plan.trucks.indices.filter { world.plan.trucks[$0].gammaAlarm })
        for kind in [EventKind.occupancyStart, EventKind.occupancy] {
            // The portal saw the trucks in the order they entered it.
            let mine = try await events(kind).filter { $0.device.id == world.lanes[0].portal }
                .sorted { ($0.data["startedAt"]?.stringValue ?? "") < ($1.data["startedAt"]?.stringValue ?? "") }
            for (k, e) in mine.enumerated() where k < written.entryOrder.count {
                truth.record(event: e.id, kind: kind, truck: written.entryOrder[k])
            }
        }
        var traced: [(at: Date, id: String, kind: String, truck: Int)] = []
        for e in try await events(EventKind.ocrRead) {
            guard let text = e.data["text"]?.stringValue, let t = written.reads[text + "|" + Timestamp.format(e.observedAt)] else { continue }
            traced.append((e.receivedAt, e.id, e.kind, t))
        }
        for e in try await events(EventKind.scanResult) {
            guard let id = e.data["scanId"]?.stringValue, let t = written.scans[id] else { continue }
            traced.append((e.receivedAt, e.id, e.kind, t))
        }
        for x in traced.sorted(by: { $0.at < $1.at }) { truth.record(event: x.id, kind: x.kind, truck: x.truck) }
        return Outcome(check: AttributionCheck(truth: truth, passages: passages), trucks: world.plan.trucks.count)
    }

    private func events(_ kind: String) async throws -> [InspectionEvent] {
        let raw = try await client.events(kind: kind)
        let decoder = JSONDecoder()
        return raw.compactMap { j in
            guard let data = try? JSONSerialization.data(withJSONObject: j), let e = try? decoder.decode(InspectionEvent.self, from: data),
                e.observedAt >= since
            else { return nil }
            return e
        }
    }

    /// The hub's `gate.passage` events of lane 1 since the run began, as the checker reads them.
    func passages() async throws -> [CheckedPassage] {
        try await events(EventKind.passage).filter { $0.lane == world.lanes[0].lane }.compactMap { e in
            guard let id = e.data["passage"]?.stringValue else { return nil }
            var ambiguities: [String: [String]] = [:]
            for a in e.data["ambiguities"]?.arrayValue ?? [] {
                guard let o = a.objectValue, let ev = o["event"]?.stringValue else { continue }
                ambiguities[ev, default: []] += (o["candidates"]?.arrayValue ?? []).compactMap(\.stringValue)
            }
            return CheckedPassage(
                id: id, revision: Int(e.data["revision"]?.doubleValue ?? 1), entry: e.data["entryEvent"]?.stringValue,
                occupancy: e.data["occupancyEvent"]?.stringValue, events: (e.data["events"]?.arrayValue ?? []).compactMap(\.stringValue),
                ambiguities: ambiguities, gammaAlarm: e.data["gammaAlarm"]?.boolValue)
        }
    }
}
