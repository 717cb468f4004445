import Foundation
import HubModel

/// A declaration's risk from what the devices saw of it: the signals, each with the events that
/// show it, a score from 0 to 100, and the channel the hub recommends — which can raise the channel
/// the risk system set, and lower it only in the one case a policy allows (`lowersYellow`: a partner
/// administration's verified clearance of an AEO trader's yellow declaration).
public struct RiskAssessment: Sendable, Equatable {
    public struct Signal: Sendable, Equatable {
        public var name: String
        public var points: Double
        /// Ids of the events that show it.
        public var evidence: [String]
        public var detail: String
    }

    public var declaration: String
    public var version: Int
    public var score: Double
    public var declaredChannel: Declaration.Channel
    public var channel: Declaration.Channel
    public var signals: [Signal]
    /// Trader modifiers applied (`aeo`, `complianceHigh`, …) with their points.
    public var modifiers: [String: Double]
}

public enum RiskAssessor {
    /// Linked events that are never evidence of a declaration's risk: a sealed transit's position
    /// fixes (thousands per transit) only matter through what the transit watch finds in them, the
    /// `transit.*` events, which are. So a fix neither triggers an assessment nor is read for one.
    public static let notEvidence: Set<String> = [EventKind.gpsFix]

    /// Assesses `d` from the events linked to it.
    public static func assess(_ d: Declaration, linked all: [InspectionEvent], policy: RiskPolicy) -> RiskAssessment {
        // A passage stored again (late evidence, an operator's resolution) counts as its newest
        // revision only; evidence still ambiguous is held by every candidate passage, so an alarm on
        // an ambiguous passage reaches every candidate's declaration until it is resolved.
        let superseded = Set(all.flatMap(\.supersededPassages))
        let linked = all.filter {
            !superseded.contains($0.id) && $0.kind != EventKind.passageResolution && !notEvidence.contains($0.kind)
        }
        var signals: [RiskAssessment.Signal] = []
        func signal(_ name: String, _ events: [InspectionEvent], _ detail: String) {
            guard !events.isEmpty else { return }
            signals.append(.init(name: name, points: policy.weights[name] ?? 0, evidence: events.map(\.id), detail: detail))
        }
        let passages = linked.filter { $0.kind == EventKind.passage }
        let declaredContainers = Set(d.containers)

        signal("radiationAlarm", linked.filter { e in
            (e.passage.map { $0.gammaAlarm == true || $0.neutronAlarm == true } ?? false)
                || (e.kind.hasPrefix("radiation.") && e.severity == .alarm)
        }, "radiation alarm on a linked passage or measurement")
        // Image analysts' final verdicts: a suspect or inspection verdict is a signal of its own, naming
        // the analysts and what they marked; a clear one outweighs the scanner's own detection.
        let finals = linked.filter { $0.scanVerdict?.final == true }
        let cleared = Set(finals.compactMap { $0.scanVerdict.flatMap { $0.verdict == .clear ? $0.scanEvent : nil } })
        signal("scanSuspect", linked.filter { e in
            (e.kind == EventKind.scanResult && e.severity == .alarm && !cleared.contains(e.id))
                || (["suspect", "inspect"].contains(e.passage?.scanResult ?? "") && !cleared.contains(e.passage?.scanEvent ?? ""))
        }, "the scan was judged suspect")
        for (name, verdict) in [("imageSuspect", ScanVerdictPayload.Verdict.suspect), ("imageInspect", .inspect), ("imageClear", .clear)] {
            let these = finals.filter { $0.scanVerdict?.verdict == verdict }
            signal(name, these, these.compactMap { ImageVerdictWords.detail($0, among: linked) }.joined(separator: "; "))
        }

        let undeclared = passages.filter { p in (p.subject.containers ?? []).contains { !declaredContainers.contains($0) } }
        let extra = Set(undeclared.flatMap { $0.subject.containers ?? [] }).subtracting(declaredContainers).sorted()
        signal("undeclaredContainer", undeclared, "seen but not declared: \(extra.joined(separator: ", "))")

        if !passages.isEmpty {
            let seen = Set(linked.flatMap { $0.subject.containers ?? [] })
            let missing = declaredContainers.subtracting(seen).sorted()
            if !missing.isEmpty {
                signal("missingContainer", passages, "declared but not seen: \(missing.joined(separator: ", "))")
            }
        }
        if !d.seals.isEmpty {
            let declaredSeals = Set(d.seals)
            signal("sealMismatch", passages.filter { p in (p.subject.seals ?? []).contains { !declaredSeals.contains($0.uppercased()) } },
                   "a seal read at the gate is not the declared one")
        }
        if !d.plates.isEmpty {
            let declaredPlates = Set(d.plates)
            signal("plateMismatch", passages.filter { p in
                let plates = (p.subject.plates ?? []).map(Declaration.normalizePlate)
                return !plates.isEmpty && !plates.contains { declaredPlates.contains($0) }
            }, "the vehicle's plate is not the declared one")
        }
        signal("transitDeviation", linked.filter { $0.kind == EventKind.transitDeviation }, "left the declared corridor")
        signal("transitSealOpened", linked.filter { $0.kind == EventKind.transitSeal }, "seal opened on the way")
        signal("transitOverdue", linked.filter { $0.kind == EventKind.transitOverdue }, "not arrived in time")
        signal("transitStop", linked.filter { $0.kind == EventKind.transitStop }, "unscheduled stop")
        signal("transitSignalLost", linked.filter { $0.kind == EventKind.transitSignalLost }, "seal out of contact")
        signal("tamperDuringPassage", linked.filter { e in
            e.sealStatus.map { [.opened, .tampered, .cut].contains($0.status) } ?? false
        }, "seal tampered")
        let partnerClears = linked.filter { $0.packageReceived?.cleared == true }
        signal("partnerCleared", partnerClears, partnerClears.compactMap(\.packageReceived).map(partnerWords).joined(separator: "; "))

        var modifiers: [String: Double] = [:]
        if d.trader.aeo { modifiers["aeo"] = policy.modifiers["aeo"] ?? 0 }
        if let level = d.trader.complianceLevel {
            let key = "compliance" + level.prefix(1).uppercased() + level.dropFirst()
            modifiers[key] = policy.modifiers[key] ?? 0
        }
        let raw = signals.reduce(0) { $0 + $1.points } + modifiers.values.reduce(0, +)
        let score = min(100, max(0, raw))
        let level: Declaration.Channel = score >= policy.redFrom ? .red : score >= policy.yellowFrom ? .yellow : .green
        var channel = max(d.channel, level)
        if lowersYellow(d, level: level, signals: signals, policy: policy) {
            channel = .green
            if let i = signals.firstIndex(where: { $0.name == "partnerCleared" }) {
                signals[i].detail += "; the policy lowers the declared yellow channel to green for this AEO trader"
            }
        }
        return RiskAssessment(
            declaration: d.number, version: d.version, score: score, declaredChannel: d.channel,
            channel: channel, signals: signals.sorted { $0.name < $1.name }, modifiers: modifiers)
    }

    /// Signals a partner's clearance never outweighs.
    static let clearanceBlockers: Set<String> = ["radiationAlarm", "scanSuspect", "imageSuspect", "imageInspect"]

    /// The one case the hub recommends a channel below the declared one: the policy allows it, the
    /// trader is an AEO, the declared channel is yellow, the score is below yellow, a partner
    /// inspected and cleared it (verified), and nothing here saw radiation or a suspect image.
    static func lowersYellow(_ d: Declaration, level: Declaration.Channel, signals: [RiskAssessment.Signal], policy: RiskPolicy) -> Bool {
        policy.partnerClearanceLowersYellow && d.trader.aeo && d.channel == .yellow && level == .green
            && signals.contains { $0.name == "partnerCleared" } && !signals.contains { clearanceBlockers.contains($0.name) }
    }

    /// "inspected and cleared by kh-customs (KH) on 2026-11-25T08:20:00.000Z, verified: …": the
    /// instant, not a UTC day, so that a screen writes the day in its own zone (as it does the package's).
    static func partnerWords(_ p: PackageReceivedPayload) -> String {
        let at = Timestamp.format(p.inspectedAt ?? p.created)
        return "inspected and cleared by \(p.partner) (\(p.country)) on \(at), verified: declaration \(p.partnerDeclaration), package \(p.packageSHA256.prefix(12))…"
    }
}
