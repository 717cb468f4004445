import Foundation
import Hummingbird
import HubIngest
import HubModel
import HubSite
import HubStore

/// Claiming a scan, letting it go, and judging it.
extension ReviewRoutes {
    private typealias S = OpenAPISchemas

    func registerActions(on routes: RouteTable) {
        routes.post(
            "/api/v1/reviews/:scanEvent/claim", .analysts, audit: "review.claim",
            doc: .init(
                summary: "Claim a scan for review (renews one's own lease); `join` asks to review beside the analyst who holds it.",
                body: ("application/json", S.object(["join": S.boolean])),
                response: S.ref("ReviewClaim"),
                answers: ["409": "Another analyst holds the scan (named in `error`), or it is decided."])
        ) { request, context in
            let id = try context.parameters.require("scanEvent")
            struct Ask: Decodable { var join: Bool? }
            let body = try await request.body.collect(upTo: 4 << 10)
            let ask = body.readableBytes == 0 ? Ask() : try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView))
            guard let ask else { return JSONResponse.error(.badRequest, "expected {\"join\": true|false} or no body", field: "join") }
            guard let item = try await one(id) else { return JSONResponse.error(.notFound, "no scan \(id)") }
            guard item.state != .done else { return JSONResponse.error(.conflict, "scan \(item.scan.scanId ?? id) is decided", field: "scanEvent") }
            switch await claims.claim(id, by: context.who.name, join: ask.join ?? false) {
            case .held(let c):
                return JSONResponse.error(
                    .conflict, "\(c.by) is reviewing this scan since \(Timestamp.format(c.at)); ask to join for a second opinion", field: "scanEvent")
            case .claimed(let c):
                let joined = c.by != context.who.name
                context.auditNote.set(target: id, detail: "scan \(item.scan.scanId ?? id)" + (joined ? ", joined" : ""))
                return try JSONResponse.make(c)
            }
        }
        routes.post(
            "/api/v1/reviews/:scanEvent/release", .analysts, audit: "review.release",
            doc: .init(summary: "Let a claimed scan go without a verdict.", response: S.object(["released": S.boolean], required: ["released"]))
        ) { _, context in
            let id = try context.parameters.require("scanEvent")
            guard let item = try await one(id) else { return JSONResponse.error(.notFound, "no scan \(id)") }
            await claims.release(id, by: context.who.name)
            context.auditNote.set(target: id, detail: "scan \(item.scan.scanId ?? id)")
            struct Body: Encodable { var released = true }
            return try JSONResponse.make(Body())
        }
        routes.post(
            "/api/v1/reviews/:scanEvent/verdict", .analysts, audit: "review.verdict",
            doc: .init(
                summary: "Judge a claimed scan: clear, suspect (at least one marked region and a reason) or physical inspection (a reason). A suspect or inspection verdict, and a share of clears, waits for a second analyst, whose verdict decides.",
                body: (
                    "application/json",
                    S.object(
                        ["verdict": S.oneOf(ScanVerdictPayload.Verdict.allCases.map(\.rawValue)), "reason": S.string,
                         "regions": S.array(S.ref("ReviewRegion"))], required: ["verdict"])
                ),
                response: S.eventRef, status: "201",
                answers: ["409": "The scan is not claimed by the caller, is decided, or the caller gave its first verdict (four eyes)."])
        ) { request, context in
            let id = try context.parameters.require("scanEvent")
            let body = try await request.body.collect(upTo: 64 << 10)
            return try await judge(id, Array(body.readableBytesView), who: context.who.name, note: context.auditNote)
        }
    }

    /// What an analyst sends.
    struct VerdictAsk: Decodable {
        struct Region: Decodable {
            var image: String?
            var x, y, width, height: Double
            var label: String?
        }
        var verdict: String
        var reason: String?
        var regions: [Region]?
    }

    private func judge(_ id: String, _ bytes: [UInt8], who: String, note: AuditNote) async throws -> Response {
        guard let ask = try? JSONDecoder().decode(VerdictAsk.self, from: Data(bytes)) else {
            return JSONResponse.error(.badRequest, "expected {\"verdict\": \"clear|suspect|inspect\", \"reason\", \"regions\": [{image, x, y, width, height, label}]}", field: "verdict")
        }
        guard let verdict = ScanVerdictPayload.Verdict(rawValue: ask.verdict) else {
            return JSONResponse.error(.badRequest, "expected clear, suspect or inspect; got '\(ask.verdict)'", field: "verdict")
        }
        let regions = (ask.regions ?? []).map {
            ScanVerdictPayload.Region(image: $0.image, x: $0.x, y: $0.y, width: $0.width, height: $0.height, label: $0.label ?? "")
        }
        guard regions.allSatisfy({ $0.x >= 0 && $0.y >= 0 && $0.width > 0 && $0.height > 0 }) else {
            return JSONResponse.error(.badRequest, "a region needs x and y from 0 and a width and height above 0 (image pixels)", field: "regions")
        }
        let reason = ask.reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        guard let scan = try await store.event(id: id), scan.kind == EventKind.scanResult, let item = try await one(id) else {
            return JSONResponse.error(.notFound, "no scan \(id)")
        }
        guard item.state != .done else { return JSONResponse.error(.conflict, "scan \(item.scan.scanId ?? id) is decided", field: "scanEvent") }
        guard await claims.holds(id, who) else {
            return JSONResponse.error(.conflict, "claim the scan first (POST /api/v1/reviews/\(id)/claim)", field: "scanEvent")
        }
        let previous = item.verdicts.compactMap { v in (try? ScanVerdictPayload(json: v.data)).map { (v.id, $0) } }
        let first = previous.first { $0.1.step == .first }
        if let first, first.1.by == who {
            return JSONResponse.error(.conflict, "four eyes: you gave the first verdict; another analyst must confirm it", field: "scanEvent")
        }
        // A second analyst confirming a suspect verdict may rely on the regions the first marked.
        let marked = regions.isEmpty && first?.1.verdict == .suspect ? first?.1.regions ?? [] : regions
        if verdict == .suspect, marked.isEmpty {
            return JSONResponse.error(.badRequest, "a suspect verdict marks at least one region of the image", field: "regions")
        }
        if verdict != .clear, reason == nil {
            return JSONResponse.error(.badRequest, "a \(verdict == .suspect ? "suspect" : "physical inspection") verdict says why", field: "reason")
        }
        let step: ScanVerdictPayload.Step = first == nil ? .first : .second
        let recheck = step == .first && verdict == .clear && ReviewQueue.picksForRecheck(id, share: settings.recheckShare)
        let final = step == .second || (verdict == .clear && !recheck)
        let payload = ScanVerdictPayload(
            scanEvent: id, scanId: scan.scanResult?.scanId, verdict: verdict, by: who, reason: reason, regions: regions, step: step,
            confirms: first?.0, final: final, recheck: recheck)
        let batch = Self.verdictBatch(payload, scan: scan, ids: ids)
        try await store.append(batch)
        await claims.release(id, by: who)
        note.set(
            target: id,
            detail: "scan \(payload.scanId ?? id), verdict \(verdict.rawValue)" + (step == .second ? ", second" : "") + (recheck ? ", recheck" : ""))
        return try JSONResponse.make(batch.events[0], status: .created)
    }

    /// The verdict as an event about the scan's truck and containers (so it links where the scan
    /// does), its raw record the hub's one-line statement of it.
    static func verdictBatch(_ v: ScanVerdictPayload, scan: InspectionEvent, ids: EventIDGenerator) -> IngestBatch {
        let now = Date()
        let statement = "{\"verdict\":\"\(v.verdict.rawValue)\",\"scanEvent\":\"\(v.scanEvent)\",\"by\":\""
            + v.by.replacingOccurrences(of: "\"", with: "'") + "\",\"step\":\"\(v.step.rawValue)\",\"final\":\(v.final)}\n"
        let event = InspectionEvent(
            id: ids.next(at: now), kind: EventKind.scanVerdict,
            device: DeviceRef(id: "image-review", profile: "image-review", family: "review"),
            site: scan.site, lane: scan.lane, observedAt: now, receivedAt: now,
            subject: Subject(containers: scan.subject.containers, seals: scan.subject.seals, plates: scan.subject.plates, ucr: scan.subject.ucr),
            payload: v.payload, severity: v.final && v.verdict != .clear ? .alarm : .info, raw: HubAuthored.unrecorded)
        return HubAuthored.batch(event, statement: statement, format: "niihub-review", deviceID: "image-review", at: now)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
