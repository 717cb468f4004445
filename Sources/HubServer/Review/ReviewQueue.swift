import Foundation
import HubModel

/// Where a scan stands in image review, from its verdict events and its lease; the queue's order;
/// the workload figures. Pure: the routes read the store and pass what they found.
enum ReviewQueue {
    enum State: String, Sendable, Encodable, CaseIterable {
        /// No verdict yet, nobody on it.
        case waiting
        /// An analyst holds it.
        case claimed
        /// A first verdict waits for a second analyst (four eyes, or a re-check).
        case second
        /// A final verdict was given.
        case done
    }

    /// What a queue filter asks for: a state, or the overdue scans of any state but done.
    static let filters = State.allCases.map(\.rawValue) + ["overdue"]

    /// The state of a scan with `verdicts` (its scan.verdict events, oldest first) and lease `claimed`.
    static func state(_ verdicts: [ScanVerdictPayload], claimed: Bool) -> State {
        if verdicts.contains(where: \.final) { return .done }
        if !verdicts.isEmpty { return .second }
        return claimed ? .claimed : .waiting
    }

    /// Order of urgency: red, yellow, green, then scans no declaration is linked to; oldest first.
    static func priority(_ channel: Declaration.Channel?) -> Int {
        switch channel {
        case .red?: 0
        case .yellow?: 1
        case .green?: 2
        case nil: 3
        }
    }

    /// Whether `share` of first clears is re-checked picks the scan `id`: the same answer for the
    /// same scan every time (a 32-bit FNV-1a hash of the id against the share).
    static func picksForRecheck(_ id: String, share: Double) -> Bool {
        guard share > 0 else { return false }
        var h: UInt32 = 2_166_136_261  // FNV-1a: stable across runs and machines
        for b in id.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return Double(h) / Double(UInt32.max) < share
    }

    /// p-th percentile (0–100) of `values`, nearest rank; nil when empty.
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let rank = max(1, Int((p / 100 * Double(s.count)).rounded(.up)))
        return s[min(s.count, rank) - 1]
    }

    /// Time to final verdict by group: count, p50, p90, in seconds.
    struct Timing: Encodable, Sendable, Equatable {
        var lane: String?
        var analyst: String?
        var count: Int
        var p50: Double?
        var p90: Double?
    }

    struct Figures: Encodable, Sendable, Equatable {
        struct Queue: Encodable, Sendable, Equatable {
            var lane: String
            var waiting: Int
        }
        /// Scans without a final verdict, per lane.
        var queue: [Queue]
        var byLane: [Timing]
        var byAnalyst: [Timing]
        /// Final verdicts by kind.
        var mix: [String: Int]
        /// First clears sent for re-check.
        var rechecks: Int
    }

    /// One scan's facts for the figures: its lane, when it was scanned, its verdicts with their times.
    struct Done: Sendable {
        var lane: String
        var scannedAt: Date
        var verdicts: [(at: Date, verdict: ScanVerdictPayload)]
    }

    static func figures(_ scans: [Done]) -> Figures {
        var waiting: [String: Int] = [:]
        var byLane: [String: [Double]] = [:]
        var byAnalyst: [String: [Double]] = [:]
        var mix: [String: Int] = [:]
        var rechecks = 0
        for s in scans {
            rechecks += s.verdicts.filter { $0.verdict.recheck }.count
            guard let f = s.verdicts.first(where: { $0.verdict.final }) else {
                waiting[s.lane, default: 0] += 1
                continue
            }
            let took = max(0, f.at.timeIntervalSince(s.scannedAt))
            byLane[s.lane, default: []].append(took)
            byAnalyst[f.verdict.by, default: []].append(took)
            mix[f.verdict.verdict.rawValue, default: 0] += 1
        }
        func timing(_ groups: [String: [Double]], lane: Bool) -> [Timing] {
            groups.keys.sorted().map { k in
                let v = groups[k]!
                return Timing(lane: lane ? k : nil, analyst: lane ? nil : k, count: v.count, p50: percentile(v, 50), p90: percentile(v, 90))
            }
        }
        return Figures(
            queue: waiting.keys.sorted().map { .init(lane: $0, waiting: waiting[$0]!) }, byLane: timing(byLane, lane: true),
            byAnalyst: timing(byAnalyst, lane: false), mix: mix, rechecks: rechecks)
    }
}
