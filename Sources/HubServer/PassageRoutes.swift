import Foundation
import Hummingbird
import HubIngest
import HubModel

/// `POST /api/v1/passages/{passageId}/resolve` with `{"event": "<evidence event id>"}`: an
/// operator says which vehicle an ambiguous read or scan belongs to. The passages concerned are
/// stored again as new revisions, with a `gate.passage-resolution` event linked to every
/// declaration the old revisions were, so their risk is assessed again. (Passage search and detail
/// are the analyst's: `AnalystRoutes`.)
struct PassageRoutes: RouteController {
    /// Resolves an ambiguous passage: evidence id, passage id, user; nil when the hub assembles none.
    /// Its answer is nil when no replica answered for the site's passages (the lease that says which
    /// replica correlates is changing hands).
    let resolvePassage: (@Sendable (String, String, String) async -> PassageStage.Resolution?)?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/passages/:id/resolve", .operators, audit: "passage.resolve",
            doc: .init(
                summary: "Resolve an ambiguous passage: the read or scan `event` belongs to passage `id` (its `data.passage`); the passages concerned are stored again as new revisions.",
                body: ("application/json", S.object(["event": S.string], required: ["event"])),
                response: S.object(["passage": S.string, "event": S.string, "revisions": S.strings], required: ["passage", "event", "revisions"]))
        ) { request, context in
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
            case nil:
                return JSONResponse.error(.serviceUnavailable, HolderDeskWords.noAnswer("passage \(passage)"))
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

/// What an operator reads when the replica correlating the site did not answer in time.
enum HolderDeskWords {
    static func noAnswer(_ what: String) -> String {
        "no replica answered for \(what): the one that correlates this site is changing (it takes up to the lease's time); try again in a few seconds"
    }
}
