import Foundation
import Hummingbird
import NIOCore

/// A body past the route's limit (`collect(upTo:)` throws) becomes a 413 with a JSON reason, like
/// every other refusal. Which media types a route reads is part of its `RouteRule`.
struct BodyGuardMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
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
}
