import Foundation
import Hummingbird
import HubIngest
import HubModel

extension HubAPI {
    /// `POST /api/v1/passages/{passageId}/resolve` with `{"event": "<evidence event id>"}`: an
    /// operator says which vehicle an ambiguous read or scan belongs to. The passages concerned are
    /// stored again as new revisions, with a `gate.passage-resolution` event linked to every
    /// declaration the old revisions were, so their risk is assessed again.
    func addPassageResolutionRoute(to router: RouteTable) {
        router.post("/api/v1/passages/:id/resolve", .operators, audit: "passage.resolve") { request, context in
            let passage = try context.parameters.require("id")
            struct Ask: Decodable { var event: String }
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let ask = try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView)), !ask.event.isEmpty else {
                return JSONResponse.error(.badRequest, "expected {\"event\": \"<id of the ambiguous read or scan>\"}", field: "event")
            }
            guard let resolvePassage else {
                return JSONResponse.error(.serviceUnavailable, "this hub assembles no passages")
            }
            switch await resolvePassage(ask.event, passage, context.who.name) {
            case .unknown:
                return JSONResponse.error(
                    .notFound,
                    "passage \(passage) or event \(ask.event) is no longer open to resolution (older than passages.lateS, or the hub restarted)")
            case .resolved(let events):
                context.auditNote.set(target: passage, detail: "event \(ask.event) belongs to passage \(passage)")
                struct Body: Encodable {
                    var passage: String
                    var event: String
                    var revisions: [String]
                }
                return try JSONResponse.make(Body(passage: passage, event: ask.event, revisions: events))
            }
        }
    }
}
