import Foundation
import Hummingbird
import HubModel
import HubStore
import NIOCore

/// A partner's package the application received: the event that files it, and what the verifier
/// said. `duplicate` when the same bytes were received before (nothing new is stored).
public struct ReceivedPackage: Sendable, Encodable {
    /// The largest package a hub receives, by the API or its inbox (it is verified in memory).
    public static let maxBytes = 256 << 20

    public var partner: String
    public var country: String
    /// The declaration number at the partner.
    public var declaration: String
    public var sha256: String
    /// The `package.received` event.
    public var event: String
    public var duplicate: Bool
    public var cleared: Bool
    public var summary: String
    public var sentences: [String]

    public init(
        partner: String, country: String, declaration: String, sha256: String, event: String, duplicate: Bool, cleared: Bool, summary: String,
        sentences: [String]
    ) {
        self.partner = partner
        self.country = country
        self.declaration = declaration
        self.sha256 = sha256
        self.event = event
        self.duplicate = duplicate
        self.cleared = cleared
        self.summary = summary
        self.sentences = sentences
    }
}

/// Why a received package was not stored.
public enum PackageReceiveRefusal: Error, Sendable {
    /// The site trusts no partner (`partners:` is empty).
    case noPartners
    /// The same package is being received by another request at this moment.
    case busy
    /// The package does not verify against a partner's CA: each broken file and why.
    case refused([(member: String, problem: String)])
}

/// `POST /api/v1/packages`: an analyst hands in a partner administration's signed package (the
/// tar `niihub package export` writes). It is verified against the partners' CAs; a package that
/// fails is refused with each broken file named (422), one that verifies is kept as received and
/// filed as a `package.received` event that links to the local declarations. Audited as
/// `package.receive`.
struct PackageReceiveRoutes: RouteController {
    let receive: (@Sendable ([UInt8]) async throws -> ReceivedPackage)?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/packages", .analysts, audit: "package.receive", body: nil,
            doc: .init(
                summary: "Receive a partner administration's signed inspection package (POSIX tar), verified against the partners' CAs.",
                body: ("application/x-tar", S.bytes),
                response: S.object(
                    ["partner": S.text, "country": S.text, "declaration": S.text, "sha256": S.sha256, "event": S.text, "duplicate": S.boolean,
                     "cleared": S.boolean, "summary": S.string, "sentences": S.strings],
                    required: ["partner", "declaration", "sha256", "event", "duplicate"]),
                status: "201",
                answers: [
                    "200": "The same package was received before; nothing new is stored.",
                    "400": "Empty body.",
                    "409": "The site trusts no partner (`partners:`), or the same package is being received now.",
                    "422": "The package does not verify against a partner's CA; `problems` names each broken file.",
                ])
        ) { request, context in
            // The hub's state, not a fault (409 as for a missing signing key): no 5xx for a configuration.
            guard let receive else { return JSONResponse.error(.conflict, "this hub receives no packages") }
            let body = try await request.body.collect(upTo: ReceivedPackage.maxBytes)
            guard body.readableBytes > 0 else { return JSONResponse.error(.badRequest, "empty body", field: "body") }
            let received: ReceivedPackage
            do {
                received = try await receive(Array(body.readableBytesView))
            } catch PackageReceiveRefusal.noPartners {
                return JSONResponse.error(.conflict, "this hub trusts no partner administration (partners: in the site config)")
            } catch PackageReceiveRefusal.busy {
                return JSONResponse.error(.conflict, "the same package is being received now; send it again shortly")
            } catch PackageReceiveRefusal.refused(let problems) {
                struct Problem: Encodable {
                    var member: String
                    var problem: String
                }
                struct Refused: Encodable {
                    var error: String
                    var member: String?
                    var problems: [Problem]
                }
                let first = problems.first.map { "\($0.member): \($0.problem)" } ?? "it does not verify"
                // Who handed in what that did not verify is kept, as a receipt is.
                context.auditNote.setRefusal(
                    target: "package", detail: "refused, sha256 \(ChainHash.hex(ChainHash.sha256(Array(body.readableBytesView)))): \(first)")
                return try JSONResponse.make(
                    Refused(
                        error: "package refused: \(first)", member: problems.first?.member,
                        problems: problems.map { Problem(member: $0.member, problem: $0.problem) }),
                    status: .unprocessableContent)
            }
            context.auditNote.set(
                target: received.declaration,
                detail: "\(received.duplicate ? "again: " : "")from \(received.partner), sha256 \(received.sha256), event \(received.event): \(received.summary)")
            return try JSONResponse.make(received, status: received.duplicate ? .ok : .created)
        }
    }
}
