import Foundation
import Hummingbird
import HubModel
import NIOCore

/// A signed inspection-result package as the API hands it out: the archive and what the audit log
/// says of it. Made by the application (`HubPackage`), which holds the key.
public struct SignedPackage: Sendable {
    public var bytes: [UInt8]
    public var members: Int
    public var sha256: String
    public var signer: String

    public init(bytes: [UInt8], members: Int, sha256: String, signer: String) {
        self.bytes = bytes
        self.members = members
        self.sha256 = sha256
        self.signer = signer
    }
}

/// Why the application made no package: an unknown declaration, or an unusable key or certificate.
public enum PackageRefusal: Error, Sendable {
    case noDeclaration(String)
    case signing(String)
}

/// `POST /api/v1/declarations/{number}/package`: an analyst exports a declaration's signed
/// package for a partner administration. A POST because each call signs a new artefact, and is
/// audited (`package.export`, with its SHA-256).
struct PackageRoutes: RouteController {
    /// Makes the package for a declaration number; nil when the site configures no signing key.
    let export: (@Sendable (String) async throws -> SignedPackage)?

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/declarations/:number/package", .analysts, audit: "package.export", body: nil,
            doc: .init(
                summary: "A signed inspection-result package of the declaration's evidence (POSIX tar; `niihub package verify` checks it).",
                produces: "application/x-tar", response: OpenAPISchemas.bytes,
                answers: ["404": "No such declaration.", "409": "The site configures no signing key (`packages:`), or it cannot be used: a state of this hub, not a fault."])
        ) { _, context in
            let number = try context.parameters.require("number")
            guard let export else { return JSONResponse.error(.conflict, "this hub has no package signing key (packages: in the site config)") }
            let package: SignedPackage
            do {
                package = try await export(number)
            } catch PackageRefusal.noDeclaration(let n) {
                return JSONResponse.error(.notFound, "no declaration \(n)")
            } catch PackageRefusal.signing(let why) {
                return JSONResponse.error(.conflict, "the package cannot be signed: \(why)")
            }
            context.auditNote.set(
                target: number, detail: "\(package.members) members, \(package.bytes.count) bytes, sha256 \(package.sha256), signed by \(package.signer)")
            let name = String(number.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
            return Response(
                status: .ok,
                headers: [.contentType: "application/x-tar", .contentDisposition: "attachment; filename=\"\(name).niipkg\""],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: package.bytes)))
        }
    }
}
