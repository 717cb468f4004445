/// A passage as the checker reads it (from `HubCorrelation.Passage`, or a `gate.passage` event's
/// data): which portal events make it a vehicle's, what it holds, what it flags.
public struct CheckedPassage: Sendable, Equatable {
    public var id: String
    public var revision: Int
    /// Its `radiation.occupancy-start` and `radiation.occupancy` events.
    public var entry: String?
    public var occupancy: String?
    public var events: [String]
    /// Ambiguous evidence: event id → candidate passage ids.
    public var ambiguities: [String: [String]]
    public var gammaAlarm: Bool?

    public init(
        id: String, revision: Int, entry: String?, occupancy: String?, events: [String], ambiguities: [String: [String]],
        gammaAlarm: Bool?
    ) {
        self.id = id
        self.revision = revision
        self.entry = entry
        self.occupancy = occupancy
        self.events = events
        self.ambiguities = ambiguities
        self.gammaAlarm = gammaAlarm
    }

    /// The latest revision of each passage, in the order of their first appearance.
    public static func latest(_ all: [CheckedPassage]) -> [CheckedPassage] {
        var order: [String] = [], best: [String: CheckedPassage] = [:]
        for p in all {
            if let b = best[p.id] {
                if p.revision >= b.revision { best[p.id] = p }
            } else {
                order.append(p.id)
                best[p.id] = p
            }
        }
        return order.map { best[$0]! }
    }
}

/// Grades the passages a hub assembled against the world's ground truth. A passage belongs to the
/// truck whose portal events (entry, occupancy) it holds. Each piece of evidence (a read, a scan) is
///
/// - `right`: held by its truck's passage and by no other, not flagged;
/// - `ambiguous`: flagged, with its truck's passage among the candidates, and every other
///   vehicle's passage that holds it flags it too;
/// - `unattributed`: held by no vehicle's passage (a loose group of reads, or nothing);
/// - `wrong`: held unflagged by another truck's passage, or flagged without its truck's passage
///   among the candidates: a silent misattribution.
public struct AttributionCheck: Sendable {
    public enum Verdict: String, Sendable, CaseIterable { case right, ambiguous, unattributed, wrong }

    public private(set) var verdicts: [String: Verdict] = [:]
    public private(set) var counts: [Verdict: Int] = [:]
    /// One line per wrong verdict and per alarm or portal problem, for a person to read.
    public private(set) var problems: [String] = []
    /// Trucks whose gamma alarm is on no passage of theirs, plus passages with an alarm their truck did not raise.
    public private(set) var misplacedAlarms = 0
    /// Passages holding portal events of two trucks, and trucks no passage holds.
    public private(set) var portalMismatches = 0

    public var evidence: Int { verdicts.count }
    public func count(_ v: Verdict) -> Int { counts[v] ?? 0 }
    public func share(_ v: Verdict) -> Double { evidence == 0 ? 0 : Double(count(v)) / Double(evidence) }
    /// True when nothing went to another truck silently and every alarm sits on its truck.
    public var sound: Bool { count(.wrong) == 0 && misplacedAlarms == 0 && portalMismatches == 0 }

    public init(truth: GroundTruth, passages: [CheckedPassage]) {
        let latest = CheckedPassage.latest(passages)
        var owner: [String: Int] = [:]
        var ownedBy: [Int: [CheckedPassage]] = [:]
        var holders: [String: [CheckedPassage]] = [:]
        for p in latest {
            let trucks = Set([p.entry, p.occupancy].compactMap { $0 }.compactMap { truth.truckOf[$0] })
            if trucks.count > 1 {
                portalMismatches += 1
                problems.append("passage \(p.id) holds the portal events of trucks \(trucks.sorted().map { $0 + 1 })")
            } else if let t = trucks.first {
                owner[p.id] = t
                ownedBy[t, default: []].append(p)
            }
            for e in p.events { holders[e, default: []].append(p) }
        }
        for t in 0..<truth.trucks where ownedBy[t] == nil {
            portalMismatches += 1
            problems.append("truck \(t + 1) has no passage")
        }
        for id in truth.evidence {
            guard let truck = truth.truckOf[id] else { continue }
            let v = Self.verdict(id, truck: truck, holders: holders[id] ?? [], owner: owner, own: Set((ownedBy[truck] ?? []).map(\.id)))
            verdicts[id] = v
            counts[v, default: 0] += 1
            if v == .wrong {
                let where_ = (holders[id] ?? []).map { "\($0.id) (truck \(owner[$0.id].map { String($0 + 1) } ?? "none"))" }
                problems.append("\(id) of truck \(truck + 1) is in \(where_.joined(separator: ", "))")
            }
        }
        for (t, list) in ownedBy.sorted(by: { $0.key < $1.key }) {
            let alarmed = truth.gammaAlarms.contains(t)
            if alarmed != list.contains(where: { $0.gammaAlarm == true }) {
                misplacedAlarms += 1
                problems.append("truck \(t + 1): gamma alarm \(alarmed ? "raised but not on its passage" : "on its passage but not raised")")
            }
        }
    }

    static func verdict(_ id: String, truck: Int, holders: [CheckedPassage], owner: [String: Int], own: Set<String>) -> Verdict {
        let mine = holders.filter { owner[$0.id] == truck }
        let others = holders.filter { owner[$0.id] != nil && owner[$0.id] != truck }
        let flagged = holders.compactMap { $0.ambiguities[id] }
        let candidates = Set(flagged.joined())
        // Any passage of its truck named as a candidate (it may have been named, not yet held).
        let mineNamed = !candidates.isDisjoint(with: own)
        if others.contains(where: { $0.ambiguities[id] == nil }) { return .wrong }
        if !flagged.isEmpty { return mineNamed ? .ambiguous : (mine.isEmpty && others.isEmpty ? .unattributed : .wrong) }
        if !mine.isEmpty { return .right }
        return .unattributed
    }
}
