import Foundation
import Hummingbird
import HubModel
import HubStore

/// Alarms and what was done about them: `POST /api/v1/alarms/{eventId}/adjudication` records a
/// code and outcome (append-only; the newest counts), `GET /api/v1/alarms?state=open|adjudicated`
/// lists alarm events with their acknowledgement and adjudications.
struct AdjudicationRoutes: RouteController {
    /// Where the alarm events are read.
    let store: any EventStore
    /// Where adjudications are kept (beside users, tokens and the audit log).
    let records: any HubRecordStore
    /// Where a new adjudication goes out live, when the hub has a live socket.
    let feed: LiveFeed?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/alarms/:id/adjudication", .operators, audit: "alarm.adjudicate",
            doc: .init(
                summary: "Adjudicate an alarm.",
                body: (
                    "application/json",
                    S.object(
                        ["code": S.oneOf(Adjudication.Code.allCases.map(\.rawValue)), "outcome": S.oneOf(["false-alarm", "cleared", "referred"]),
                         "note": S.string, "isotopes": S.strings, "secondaryInspection": S.oneOf(["none", "requested", "completed"])])
                ),
                response: S.ref("Adjudication"), status: "201",
                answers: ["400": "Neither code nor outcome, a value outside its set, or an outcome the code contradicts; `field` names it."])
        ) { request, context in
            let id = try context.parameters.require("id")
            struct Ask: Decodable {
                var code: String?
                var outcome: String?
                var note: String?
                var isotopes: [String]?
                var secondaryInspection: String?
            }
            let body = try await request.body.collect(upTo: 64 << 10)
            guard let ask = try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView)) else {
                return JSONResponse.error(.badRequest, "expected {\"code\": \"\(Self.codes)\", \"note\"}", field: "code")
            }
            let decided: (code: Adjudication.Code?, outcome: Adjudication.Outcome)
            switch Self.decide(code: ask.code, outcome: ask.outcome) {
            case .success(let d): decided = d
            case .failure(let bad): return JSONResponse.error(.badRequest, bad.message, field: bad.field)
            }
            let (code, outcome) = decided
            let secondary = Adjudication.SecondaryInspection(rawValue: ask.secondaryInspection ?? "none")
            guard let secondary else {
                return JSONResponse.error(.badRequest, "expected none, requested or completed", field: "secondaryInspection")
            }
            guard let event = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
            guard event.severity == .alarm else {
                return JSONResponse.error(.conflict, "event \(id) is not an alarm (\(event.severity.rawValue))", field: "eventId")
            }
            let a = Adjudication(
                eventID: id, code: code, outcome: outcome, note: ask.note, isotopes: ask.isotopes ?? [], secondaryInspection: secondary,
                by: context.who.name, at: Date())
            try await records.addAdjudication(a)
            context.auditNote.set(
                target: id, detail: (code.map { "code \($0.rawValue), " } ?? "") + "\(outcome.rawValue), secondary \(secondary.rawValue)")
            feed?.publish(a)
            await records.announce(.adjudication(eventID: id))
            return try JSONResponse.make(a, status: .created)
        }
        routes.get(
            "/api/v1/alarms", .people,
            doc: .init(
                summary: "Alarms and their adjudication state.", query: ["state", "lane"],
                response: S.object(
                    ["alarms": S.array(S.object(
                        ["event": S.eventRef, "state": S.oneOf(["open", "adjudicated"]), "acknowledgement": S.ref("Acknowledgement"),
                         "adjudication": S.ref("Adjudication"), "history": S.array(S.ref("Adjudication"))],
                        required: ["event", "state", "history"]))],
                    required: ["alarms"]))
        ) { request, _ in
            let p = request.uri.queryParameters
            let state = p.get("state")
            guard state == nil || state == "open" || state == "adjudicated" else {
                return JSONResponse.error(.badRequest, "expected open or adjudicated", field: "state")
            }
            var q = EventQuery()
            q.severity = .alarm
            q.newestFirst = true
            q.limit = EventQuery.maxLimit
            q.lane = p.get("lane")
            let alarms = try await store.events(q).events
            var byEvent: [String: [Adjudication]] = [:]
            for a in try await records.adjudications(eventIDs: alarms.map(\.id)) { byEvent[a.eventID, default: []].append(a) }
            var seen: [String: Acknowledgement] = [:]
            for a in try await records.acknowledgements(eventIDs: alarms.map(\.id)) { seen[a.eventID] = a }
            struct Alarm: Encodable {
                var event: InspectionEvent
                var state: String
                var acknowledgement: Acknowledgement?
                var adjudication: Adjudication?
                var history: [Adjudication]
            }
            let rows = alarms.map { e in
                let h = byEvent[e.id] ?? []
                return Alarm(
                    event: e, state: h.isEmpty ? "open" : "adjudicated", acknowledgement: seen[e.id], adjudication: h.last, history: h)
            }.filter { state == nil || $0.state == state }
            struct Body: Encodable { var alarms: [Alarm] }
            return try JSONResponse.make(Body(alarms: rows))
        }
    }
}

extension AdjudicationRoutes {
    struct Refusal: Error {
        var field: String
        var message: String
    }

    static let codes = Adjudication.Code.allCases.map(\.rawValue).joined(separator: "|")

    /// The code and outcome to record: the code gives the outcome when only it is sent; an outcome
    /// alone (clients from before the code) is kept without a code; both must agree.
    static func decide(code: String?, outcome: String?) -> Result<(code: Adjudication.Code?, outcome: Adjudication.Outcome), Refusal> {
        let outcomes = Adjudication.Outcome.allCases.map(\.rawValue).joined(separator: ", ")
        var parsed: Adjudication.Code?
        if let code {
            guard let c = Adjudication.Code(rawValue: code) else {
                return .failure(Refusal(field: "code", message: "expected one of \(codes.replacingOccurrences(of: "|", with: ", ")); got '\(code)'"))
            }
            parsed = c
        }
        var given: Adjudication.Outcome?
        if let outcome {
            guard let o = Adjudication.Outcome(rawValue: outcome) else {
                return .failure(Refusal(field: "outcome", message: "expected \(outcomes); got '\(outcome)'"))
            }
            given = o
        }
        switch (parsed, given) {
        case (nil, nil):
            return .failure(Refusal(field: "code", message: "expected a code (\(codes.replacingOccurrences(of: "|", with: ", "))) or an outcome"))
        case (let c?, nil):
            return .success((c, c.outcome))
        case (nil, let o?):
            return .success((nil, o))
        case (let c?, let o?):
            guard c.outcome == o else {
                return .failure(
                    Refusal(
                        field: "outcome",
                        message: "code \(c.rawValue) is recorded as outcome \(c.outcome.rawValue), not \(o.rawValue): send the code alone, or the outcome that goes with it"))
            }
            return .success((c, o))
        }
    }
}
