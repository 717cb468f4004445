import Foundation
import Hummingbird
import NIOCore

/// What a hostile or broken client's body gets instead of a bare error: a body of a type the route
/// does not read is refused with 415 before its handler runs, and a body past the route's limit
/// (`collect(upTo:)` throws) becomes a 413 with a JSON reason, like every other refusal.
struct BodyGuardMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method == .post || request.method == .put, let type = request.headers[.contentType],
            let accepted = Self.accepted(request.uri.path), !accepted.contains(where: Self.mediaType(type).contains)
        {
            return JSONResponse.error(
                .unsupportedMediaType, "expected a body of type \(accepted.joined(separator: " or ")); got '\(type)'",
                field: "Content-Type")
        }
        do {
            return try await next(request, context)
        } catch let e as NIOTooManyBytesError {
            let limit = e.maxBytes.map { " (\($0) bytes)" } ?? ""
            return JSONResponse.error(.contentTooLarge, "the body is larger than this route accepts\(limit)", field: "body")
        }
    }

    /// The media type without parameters, lower-cased.
    static func mediaType(_ header: String) -> String {
        String(header.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Words one of which a route's body type must contain; nil for routes that take any bytes
    /// (images) or no body.
    static func accepted(_ path: String) -> [String]? {
        switch path {
        case "/api/v1/blobs", "/api/v1/logout": return nil
        case "/api/v1/login": return ["json", "x-www-form-urlencoded"]
        case "/api/v1/declarations/bulk": return ["json", "xml"]
        default:
            return path.hasPrefix("/api/v1/tokens/") && path.hasSuffix("/revoke") ? nil : ["json"]
        }
    }
}
