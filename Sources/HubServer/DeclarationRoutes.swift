import Foundation
import Hummingbird
import HubModel
import HubStore
import NIOCore

/// Declarations from the customs system: create and amend (`POST`), cancel, read by number or by
/// the identifiers devices observe, bulk import as JSON lines, and the links between declarations
/// and events. (Search, exports and the detail view are the analyst's: `AnalystRoutes`.)
struct DeclarationRoutes: RouteController {
    static let maxDeclarationBytes = 1 << 20
    static let maxBulkBytes = 64 << 20

    /// Where declarations and links are kept; nil answers reads with nothing and writes with 503.
    let declarationStore: (any DeclarationStore)?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/declarations", .analysts, audit: "declaration.post",
            doc: .init(
                summary: "Create or amend a declaration (200 when unchanged).", body: ("application/json", S.declarationRef),
                response: S.declarationRef, status: "201")
        ) { request, context in
            let body = try await request.body.collect(upTo: Self.maxDeclarationBytes)
            return try await postDeclaration(Data(body.readableBytesView), note: context.auditNote)
        }
        routes.post(
            "/api/v1/declarations/bulk", .analysts, audit: "declaration.bulk", body: ["json", "xml"],
            doc: .init(
                summary: "Bulk import: JSON lines (any type but XML) or WCO XML.",
                body: ("text/plain", ["type": "string", "description": "One declaration document per line."]),
                response: S.object(
                    ["stored": S.integer, "unchanged": S.integer,
                     "rejected": S.array(S.object(["line": S.integer, "problems": S.array(S.ref("Problem"))], required: ["line", "problems"]))],
                    required: ["stored", "unchanged", "rejected"]))
        ) { request, _ in
            let body = try await request.body.collect(upTo: Self.maxBulkBytes)
            let xml = request.headers[.contentType]?.contains("xml") == true
            return try await bulkDeclarations(Data(body.readableBytesView), xml: xml)
        }
        routes.get(
            "/api/v1/declarations", .people,
            doc: .init(
                summary: "Declarations in force carrying an identifier.", query: ["container", "seal", "plate", "ucr"],
                response: S.object(["declarations": S.array(S.declarationRef)], required: ["declarations"]))
        ) { request, _ in try await findDeclarations(request.uri.queryParameters) }
        routes.get(
            "/api/v1/declarations/:number", .people,
            doc: .init(summary: "A declaration (in force, or `?version=`).", query: ["version"], response: S.declarationRef)
        ) { request, context in
            let number = try context.parameters.require("number")
            var version: Int?
            if let v = request.uri.queryParameters.get("version") {
                guard let n = Int(v), n >= 1 else { return JSONResponse.error(.badRequest, "expected a version from 1", field: "version") }
                version = n
            }
            guard let d = try await declarationStore?.declaration(number: number, version: version) else {
                return JSONResponse.error(.notFound, "no declaration \(number)" + (version.map { " version \($0)" } ?? ""))
            }
            return try JSONResponse.make(d)
        }
        routes.get(
            "/api/v1/declarations/:number/versions", .people,
            doc: .init(
                summary: "Every version of a declaration.",
                response: S.object(["versions": S.array(S.declarationRef)], required: ["versions"]))
        ) { _, context in
            let number = try context.parameters.require("number")
            let all = try await declarationStore?.versions(number: number) ?? []
            guard !all.isEmpty else { return JSONResponse.error(.notFound, "no declaration \(number)") }
            struct Body: Encodable { var versions: [Declaration] }
            return try JSONResponse.make(Body(versions: all))
        }
        routes.get(
            "/api/v1/declarations/:number/links", .people,
            doc: .init(summary: "Events linked to a declaration.", response: S.links)
        ) { _, context in
            struct Body: Encodable { var links: [Link] }
            return try JSONResponse.make(Body(links: try await declarationStore?.links(declaration: try context.parameters.require("number")) ?? []))
        }
        routes.get(
            "/api/v1/events/:id/links", .people,
            doc: .init(summary: "The declarations an event is linked to, and why.", response: S.links)
        ) { _, context in
            struct Body: Encodable { var links: [Link] }
            return try JSONResponse.make(Body(links: try await declarationStore?.links(event: try context.parameters.require("id")) ?? []))
        }
        routes.post(
            "/api/v1/declarations/:number/cancel", .analysts, audit: "declaration.cancel",
            doc: .init(
                summary: "Cancel a declaration.", body: ("application/json", S.object(["reason": S.text], required: ["reason"])),
                response: S.declarationRef)
        ) { request, context in
            let number = try context.parameters.require("number")
            let body = try await request.body.collect(upTo: 64 << 10)
            struct Cancel: Decodable { var reason: String }
            guard let cancel = try? JSONDecoder().decode(Cancel.self, from: Data(body.readableBytesView)),
                !cancel.reason.isEmpty
            else { return JSONResponse.error(.badRequest, "expected {\"reason\": \"…\"}", field: "reason") }
            guard let store = declarationStore, var d = try await store.declaration(number: number, version: nil) else {
                return JSONResponse.error(.notFound, "no declaration \(number)")
            }
            guard d.status == .active else { return try JSONResponse.make(d) }
            d.status = .cancelled
            d.cancelReason = cancel.reason
            context.auditNote.set(target: number, detail: cancel.reason)
            return try JSONResponse.make(try await store.save(d, at: Date()).declaration)
        }
    }

    private func postDeclaration(_ data: Data, note: AuditNote) async throws -> Response {
        switch DeclarationDocument.parse(data) {
        case .failure(let invalid):
            return Self.problems(invalid.problems)
        case .success(let d):
            guard let store = declarationStore else { return JSONResponse.error(.serviceUnavailable, "no declaration store") }
            let (saved, created) = try await store.save(d, at: Date())
            note.set(target: saved.number, detail: created ? "version \(saved.version)" : "unchanged")
            return try JSONResponse.make(saved, status: created ? .created : .ok)
        }
    }

    /// One document per line; good lines are stored, bad ones reported with their line number.
    /// JSON lines (one document per line), or WCO DEC-DMS style XML (`Content-Type: …xml`, one
    /// `Declaration` element per document); `line` in a rejection is the line, or the element's place.
    private func bulkDeclarations(_ data: Data, xml: Bool) async throws -> Response {
        guard let store = declarationStore else { return JSONResponse.error(.serviceUnavailable, "no declaration store") }
        struct Rejected: Encodable {
            var line: Int
            var problems: [DeclarationDocument.Problem]
        }
        struct Body: Encodable {
            var error: String?
            var stored: Int
            var unchanged: Int
            var rejected: [Rejected]
        }
        var body = Body(stored: 0, unchanged: 0, rejected: [])
        var documents: [(Int, Result<Declaration, DeclarationDocument.Problems>)] = []
        if xml {
            switch WCODeclarationXML.documents(data) {
            case .failure(let problem): return Self.problems([problem])
            case .success(let docs):
                documents = docs.enumerated().map { ($0.offset + 1, DeclarationDocument.parse($0.element)) }
            }
        } else {
            for (i, line) in data.split(separator: 10, omittingEmptySubsequences: false).enumerated()
            where line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) {
                documents.append((i + 1, DeclarationDocument.parse(Data(line))))
            }
        }
        guard !documents.isEmpty else {
            return JSONResponse.error(.badRequest, "no declaration in the body", field: "body")
        }
        for (i, parsed) in documents {
            switch parsed {
            case .failure(let invalid):
                body.rejected.append(Rejected(line: i, problems: invalid.problems))
            case .success(let d):
                if try await store.save(d, at: Date()).created { body.stored += 1 } else { body.unchanged += 1 }
            }
        }
        if !body.rejected.isEmpty { body.error = "\(body.rejected.count) of \(documents.count) declarations rejected" }
        return try JSONResponse.make(body, status: body.rejected.isEmpty ? .ok : .badRequest)
    }

    private func findDeclarations(_ p: Parameters) async throws -> Response {
        let kinds: [(String, (String) -> String?)] = [
            ("container", { ContainerNumber($0)?.value }), ("seal", { $0.uppercased() }),
            ("plate", { Declaration.normalizePlate($0) }), ("ucr", { $0 }),
        ]
        for (kind, normalize) in kinds {
            guard let raw = p.get(kind) else { continue }
            guard let value = normalize(raw), !value.isEmpty else {
                return JSONResponse.error(.badRequest, "not a valid \(kind): '\(raw)'", field: kind)
            }
            struct Body: Encodable { var declarations: [Declaration] }
            return try JSONResponse.make(Body(declarations: try await declarationStore?.declarations(withKey: kind, value: value) ?? []))
        }
        return JSONResponse.error(.badRequest, "expected one of: container, seal, plate, ucr", field: "container")
    }

    static func problems(_ problems: [DeclarationDocument.Problem]) -> Response {
        struct Body: Encodable {
            var error: String
            var field: String?
            var problems: [DeclarationDocument.Problem]
        }
        return (try? JSONResponse.make(
            Body(error: "invalid declaration", field: problems.first?.field, problems: problems), status: .badRequest))
            ?? Response(status: .badRequest)
    }
}
