import Foundation
import HubModel

/// An image verdict as the risk assessment explains it: who judged, who confirmed, what they marked.
enum ImageVerdictWords {
    /// "judged suspect by lan, confirmed by minh: “dense organic mass” (top view, 300 × 150 px); reason “…”".
    static func detail(_ e: InspectionEvent, among events: [InspectionEvent]) -> String? {
        guard let v = e.scanVerdict else { return nil }
        let word = v.verdict == .inspect ? "sent to physical inspection" : "judged \(v.verdict.rawValue)"
        let first = v.confirms.flatMap { id in events.first { $0.id == id }?.scanVerdict }
        var who = first.map { f in f.by == v.by ? "by \(v.by)" : "by \(f.by), \(f.verdict == v.verdict ? "confirmed" : "decided") by \(v.by)" }
            ?? "by \(v.by)"
        if v.step == .second, first == nil { who = "by \(v.by) (second analyst)" }
        let regions = (first?.regions ?? []) + v.regions
        var labels: [String] = []
        for r in regions {
            let text = "“\(r.label.isEmpty ? "unlabelled region" : r.label)”" + (r.image.map { " on \($0)" } ?? "")
                + " (\(Int(r.width)) × \(Int(r.height)) px at \(Int(r.x)), \(Int(r.y)))"
            if !labels.contains(text) { labels.append(text) }
        }
        var out = "scan \(v.scanId ?? v.scanEvent) \(word) \(who)"
        if !labels.isEmpty { out += ": " + labels.joined(separator: ", ") }
        if let reason = v.reason, !reason.isEmpty { out += "; reason “\(reason)”" }
        return out
    }
}
