import Foundation
import Hummingbird
import HubModel
import HubStore

/// Alarms and what was done about them: `POST /api/v1/alarms/{eventId}/adjudication` records an
/// outcome (append-only; the newest counts), `GET /api/v1/alarms?state=open|adjudicated` lists
/// alarm events with their adjudications.
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
                        ["outcome": S.oneOf(["false-alarm", "cleared", "referred"]), "note": S.string, "isotopes": S.strings,
                         "secondaryInspection": S.oneOf(["none", "requested", "completed"])], required: ["outcome"])
                ),
                response: S.ref("Adjudication"), status: "201")
        ) { request, context in
            let id = try context.parameters.require("id")
            struct Ask: Decodable {
                var outcome: String
                var note: String?
                var isotopes: [String]?
                var secondaryInspection: String?
            }
            let body = try await request.body.collect(upTo: 64 << 10)
            guard let ask = try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView)) else {
                return JSONResponse.error(.badRequest, "expected {\"outcome\": \"false-alarm|cleared|referred\", \"note\"}", field: "outcome")
            }
            guard let outcome = Adjudication.Outcome(rawValue: ask.outcome) else {
                return JSONResponse.error(.badRequest, "expected false-alarm, cleared or referred; got '\(ask.outcome)'", field: "outcome")
            }
            let secondary = Adjudication.SecondaryInspection(rawValue: ask.secondaryInspection ?? "none")
            guard let secondary else {
                return JSONResponse.error(.badRequest, "expected none, requested or completed", field: "secondaryInspection")
            }
            guard let event = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
            guard event.severity == .alarm else {
                return JSONResponse.error(.conflict, "event \(id) is not an alarm (\(event.severity.rawValue))", field: "eventId")
            }
            let a = Adjudication(
                eventID: id, outcome: outcome, note: ask.note, isotopes: ask.isotopes ?? [], secondaryInspection: secondary,
                by: context.who.name, at: Date())
            try await records.addAdjudication(a)
            context.auditNote.set(target: id, detail: "\(outcome.rawValue), secondary \(secondary.rawValue)")
            feed?.publish(a)
            return try JSONResponse.make(a, status: .created)
        }
        routes.get(
            "/api/v1/alarms", .people,
            doc: .init(
                summary: "Alarms and their adjudication state.", query: ["state", "lane"],
                response: S.object(
                    ["alarms": S.array(S.object(
                        ["event": S.eventRef, "state": S.oneOf(["open", "adjudicated"]), "adjudication": S.ref("Adjudication"),
                         "history": S.array(S.ref("Adjudication"))], required: ["event", "state", "history"]))],
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
            struct Alarm: Encodable {
                var event: InspectionEvent
                var state: String
                var adjudication: Adjudication?
                var history: [Adjudication]
            }
            let rows = alarms.map { e in
                let h = byEvent[e.id] ?? []
                return Alarm(event: e, state: h.isEmpty ? "open" : "adjudicated", adjudication: h.last, history: h)
            }.filter { state == nil || $0.state == state }
            struct Body: Encodable { var alarms: [Alarm] }
            return try JSONResponse.make(Body(alarms: rows))
        }
    }
}
