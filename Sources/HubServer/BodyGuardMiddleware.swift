import Foundation
import HubIngest
import HubStore
import Hummingbird
import NIOCore

/// A body past the route's limit (`collect(upTo:)` throws) becomes a 413 with a JSON reason, like
/// every other refusal. Which media types a route reads is part of its `RouteRule`. A store that is
/// away (a database failover outlasting the ingest sink's wait) is a 503 with `Retry-After`, so a
/// client knows that nothing was stored and that sending again later is right.
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
        } catch is SinkBackedEventStore.NotStored {
            return Self.unavailable()
        } catch is StoreUnavailable {
            return Self.unavailable()
        }
    }

    /// 503: the store could not be reached, so nothing was stored (or the credential could not be
    /// checked); try again in a few seconds.
    static func unavailable() -> Response {
        var response = JSONResponse.error(.serviceUnavailable, "the store is not reachable now; nothing was done, send it again")
        response.headers[.retryAfter] = "5"
        return response
    }

    /// The media type without parameters, lower-cased.
    static func mediaType(_ header: String) -> String {
        String(header.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }
}
