import Foundation
import HubModel
import HubStore

/// What a verified package holds, in sentences for the officer who receives it.
public enum PackageSummary {
    public static func sentences(_ v: PackageVerification) -> [String] {
        guard let m = v.manifest else { return [] }
        var out: [String] = []
        let ucr = m.subject.ucr.map { ", UCR \($0)" } ?? ""
        out.append(
            "Declaration \(m.subject.declaration) (version \(m.subject.declarationVersion)\(ucr)), package made at \(m.created) by site \(m.issuer.site)"
                + (v.signer.map { ", signed by \($0)." } ?? "."))
        func count(_ k: PackageManifest.Kind) -> Int { m.members.filter { $0.kind == k }.count }
        func n(_ k: PackageManifest.Kind, _ one: String, _ many: String) -> String {
            let c = count(k)
            return c == 0 ? "no \(many)" : c == 1 ? "1 \(one)" : "\(c) \(many)"
        }
        out.append(
            "It holds \(n(.event, "event", "events")), \(n(.rawRecord, "raw device record", "raw device records")), "
                + "\(n(.image, "image", "images")), \(n(.n42, "N42.42 document", "N42.42 documents")) and "
                + "\(count(.adjudications) == 0 ? "no" : "the") adjudications.")
        for run in m.chains {
            let rows = run.lastSeq - run.firstSeq + 1
            out.append("The \(run.table == "events" ? "events" : "raw records") are proven by \(rows) links of the hub's chain, seq \(run.firstSeq) to \(run.lastSeq), head \(run.head.prefix(16))….")
        }
        let events = v.events.sorted { $0.observedAt < $1.observedAt }
        for e in events {
            if let line = sentence(e) { out.append(line) }
        }
        for a in v.adjudications.sorted(by: { $0.at < $1.at }) {
            let kind = v.events.first { $0.id == a.eventID }?.kind ?? "an"
            out.append(
                "Adjudication of the \(kind) event by \(a.by) at \(time(a.at)): \(a.outcome.rawValue), "
                    + "secondary inspection \(a.secondaryInspection.rawValue)" + (a.note.map { ": \($0)." } ?? "."))
        }
        return out
    }

    static func time(_ d: Date) -> String { Timestamp.format(d) }

    static func words(_ status: SealStatus.Status) -> String {
        switch status {
        case .locked: return "locked"
        case .unlocked: return "unlocked"
        case .lowBattery: return "a low battery"
        case .shock: return "a shock"
        default: return status.rawValue
        }
    }

    static func sentence(_ e: InspectionEvent) -> String? {
        let at = time(e.observedAt)
        let lane = e.lane.map { " on lane \($0)" } ?? ""
        switch e.kind {
        case EventKind.passage:
            guard let p = try? GatePassagePayload(json: e.data) else { return nil }
            let alarm = p.alarmed == true ? "with an alarm" : "without an alarm"
            let containers = (e.subject.containers ?? []).joined(separator: ", ")
            return "Passage \(p.passage)\(lane) from \(time(p.startedAt)) to \(time(p.endedAt)), \(alarm)"
                + (containers.isEmpty ? "" : ", containers \(containers)") + (p.scanEvent == nil ? "." : ", scanned.")
        case EventKind.scanResult:
            guard let s = try? ScanResultPayload(json: e.data) else { return nil }
            let images = s.imagesStored?.count ?? 0
            return "Scan \(s.scanId ?? e.id)\(lane) at \(at): verdict \(s.verdict ?? "none given"), \(images) image\(images == 1 ? "" : "s")."
        case EventKind.scanVerdict:
            return "Scan verdict at \(at): \(e.data["verdict"].flatMap { if case .string(let v) = $0 { v } else { nil } } ?? "given")."
        case EventKind.sealStatus:
            guard let s = try? SealStatusPayload(json: e.data) else { return nil }
            let where_ = s.lat.flatMap { lat in s.lon.map { String(format: " at %.5f, %.5f", lat, $0) } } ?? ""
            return "Seal \((e.subject.seals ?? []).joined(separator: ", ")) reported \(words(s.status))\(where_) at \(at)."
        case let k where k.hasPrefix("transit."):
            guard let t = try? TransitFindingPayload(json: e.data) else { return nil }
            return "Transit finding (\(t.finding)) at \(at): \(t.detail)"
        case EventKind.riskAssessment:
            guard let r = try? RiskAssessmentPayload(json: e.data) else { return nil }
            let signals = r.signals.map { "\($0.signal) (\(Int($0.points)) points)" }.joined(separator: ", ")
            return "Risk assessment at \(at): channel \(r.channel) (declared \(r.declaredChannel)), score \(Int(r.score))"
                + (signals.isEmpty ? ", no signals." : ", signals \(signals).")
        case EventKind.occupancy:
            return "Radiation portal occupancy\(lane) at \(at)" + (e.severity == .alarm ? ", alarmed." : ", no alarm.")
        case EventKind.ocrRead:
            return "Camera read\(lane) at \(at): \(((e.subject.containers ?? []) + (e.subject.plates ?? [])).joined(separator: ", "))."
        default:
            return nil
        }
    }
}
