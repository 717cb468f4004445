import Foundation
import Hummingbird
import HubModel
import HubStore

/// `POST /api/v1/alarms/{eventId}/acknowledgement`: an operator saw the alarm. Stored once, with who
/// and when, beside adjudications; the first acknowledgement stands. It goes out on the live feed,
/// so every console stops that alarm's tone, and it is audited (`alarm.acknowledge`) each time it
/// is asked, the repeat with the name of the one who acknowledged first.
struct AcknowledgementRoutes: RouteController {
    /// Where the alarm events are read.
    let store: any EventStore
    /// Where acknowledgements are kept (beside adjudications and the audit log).
    let records: any HubRecordStore
    /// Where a new acknowledgement goes out live, when the hub has a live socket.
    let feed: LiveFeed?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/alarms/:id/acknowledgement", .operators, audit: "alarm.acknowledge",
            doc: .init(
                summary: "Acknowledge an alarm (no body, or `{}`): 201 with the acknowledgement; an alarm acknowledged "
                    + "already answers 200 with the first acknowledgement, unchanged.",
                response: S.ref("Acknowledgement"), status: "201",
                answers: ["409": "The event is not an alarm."])
        ) { request, context in
            let id = try context.parameters.require("id")
            // Nothing to say but the path; a body, if any, must be a JSON object (its members are ignored).
            let body = try await request.body.collect(upTo: 4 << 10)
            if body.readableBytes > 0, (try? JSONDecoder().decode([String: JSONValue].self, from: Data(body.readableBytesView))) == nil {
                return JSONResponse.error(.badRequest, "expected no body or a JSON object such as {}", field: "body")
            }
            guard let event = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
            guard event.severity == .alarm else {
                return JSONResponse.error(.conflict, "event \(id) is not an alarm (\(event.severity.rawValue))", field: "eventId")
            }
            let (standing, new) = try await records.acknowledge(Acknowledgement(eventID: id, by: context.who.name, at: Date()))
            let when = Timestamp.format(standing.at)
            context.auditNote.set(
                target: id, detail: new ? "acknowledged" : "already acknowledged by \(standing.by) at \(when)")
            if new {
                feed?.publish(standing)
                // The consoles on the other replicas sharing the store (`LiveRelay`).
                await records.announce(.acknowledgement(eventID: id))
            }
            return try JSONResponse.make(standing, status: new ? .created : .ok)
        }
    }
}
