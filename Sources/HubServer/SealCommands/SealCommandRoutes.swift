import Foundation
import Hummingbird
import HubModel

/// Commands to GPS e-seals and trackers, for supervisors: `POST /api/v1/seals/{unit}/commands`
/// with `{"command": "unlock|lock|position", "reason"}` sends one on the unit's live connection
/// (or, for an unlock outside the transit's destination zone, holds it), `POST …/{id}/approve` is a
/// second supervisor's approval of a held unlock, `GET …/{id}` the command's state. Each command's
/// states are `seal.command` events; each request is in the audit log with its unit and reason.
struct SealCommandRoutes: RouteController {
    let desk: SealCommandDesk

    private typealias S = OpenAPISchemas

    nonisolated(unsafe) static let commandSchema = S.object(
        ["id": S.string, "unit": S.string, "command": S.oneOf(SealCommandWord.allCases.map(\.rawValue)),
         "state": S.oneOf(SealCommandPayload.Result.allCases.map(\.rawValue)), "by": S.string, "reason": S.string,
         "approvedBy": S.string, "protocol": S.string, "sentText": S.string, "answer": S.string, "zone": S.string, "device": S.string],
        required: ["id", "unit", "command", "state", "by", "reason", "protocol", "sentText", "device"])

    static let refusals = [
        "404": "No such command to this unit.",
        "409": "The unit is not connected, speaks a protocol that takes no commands, is still answering an earlier command, the command is not waiting for approval, or the approver asked for it (four eyes); `error` says which.",
    ]

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/seals/:unit/commands", .supervisors, audit: "seal.command",
            doc: .init(
                summary: "Send a command to a GPS e-seal or tracker on its live connection. An unlock where the seal is not in its transit's destination zone is held until a second supervisor approves it.",
                body: ("application/json", S.object(["command": S.oneOf(SealCommandWord.allCases.map(\.rawValue)), "reason": S.string], required: ["command", "reason"])),
                response: Self.commandSchema, status: "202",
                answers: ["400": "No command among unlock, lock, position, or no reason; `field` names it."].merging(Self.refusals) { a, _ in a })
        ) { request, context in
            let unit = try context.parameters.require("unit")
            struct Ask: Decodable {
                var command: String?
                var reason: String?
            }
            let body = try await request.body.collect(upTo: 16 << 10)
            let ask = try? JSONDecoder().decode(Ask.self, from: Data(body.readableBytesView))
            guard let word = ask?.command.flatMap(SealCommandWord.init(rawValue:)) else {
                return JSONResponse.error(.badRequest, "expected {\"command\": \"unlock|lock|position\", \"reason\"}", field: "command")
            }
            guard let reason = ask?.reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty, reason.count <= 500 else {
                return JSONResponse.error(.badRequest, "every command says why (a reason of 1 to 500 characters)", field: "reason")
            }
            context.auditNote.set(target: unit, detail: "\(word.rawValue): \(reason)")
            do {
                let c = try await desk.request(word, unit: unit, reason: reason, by: context.who.name)
                context.auditNote.set(target: unit, detail: "\(word.rawValue) \(c.id) \(c.state.rawValue): \(reason)")
                return try JSONResponse.make(c, status: .accepted)
            } catch let r as SealCommandDesk.Refusal {
                return Self.answer(r)
            }
        }
        routes.post(
            "/api/v1/seals/:unit/commands/:id/approve", .supervisors, audit: "seal.command.approve",
            doc: .init(
                summary: "A second supervisor approves an unlock held outside the destination zone; it is sent. The supervisor who asked for it cannot approve it.",
                response: Self.commandSchema, status: "202", answers: Self.refusals)
        ) { _, context in
            let unit = try context.parameters.require("unit")
            let id = try context.parameters.require("id")
            do {
                let c = try await desk.approve(id, unit: unit, by: context.who.name)
                context.auditNote.set(target: unit, detail: "approved \(c.command.rawValue) \(id) asked by \(c.by): \(c.reason)")
                return try JSONResponse.make(c, status: .accepted)
            } catch let r as SealCommandDesk.Refusal {
                return Self.answer(r)
            }
        }
        routes.get(
            "/api/v1/seals/:unit/commands/:id", .supervisors,
            doc: .init(summary: "A command to a seal and its state now.", response: Self.commandSchema, answers: ["404": "No such command to this unit."])
        ) { _, context in
            let unit = try context.parameters.require("unit")
            let id = try context.parameters.require("id")
            guard let c = await desk.command(id, unit: unit) else { return JSONResponse.error(.notFound, "no command \(id) to unit \(unit)") }
            return try JSONResponse.make(c)
        }
    }

    private static func answer(_ r: SealCommandDesk.Refusal) -> Response {
        switch r.kind {
        case .notFound: JSONResponse.error(.notFound, r.message)
        case .notConnected, .noCommands, .busy, .notPending, .sameSupervisor: JSONResponse.error(.conflict, r.message, field: "unit")
        }
    }
}
