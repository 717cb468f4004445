import Foundation
import HTTPTypes
import Hummingbird
import HubStore

/// Finds the request's credential, a bearer header or the dashboard's session cookie, and puts who
/// it belongs to in the context. It decides nothing: each route's `RouteGuard` does.
struct Authentication: RouterMiddleware {
    typealias Context = HubRequestContext
    static let cookieName = "niihub_session"

    let auth: AuthService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        do {
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                context.identity = try await auth.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            } else if let secret = Self.sessionCookie(request) {
                context.identity = try await auth.authenticate(secret)
                context.credentialFromCookie = context.identity != nil
            }
        } catch {
            // The credential could not be checked (the store is away): not a refusal, a "try again".
            return BodyGuardMiddleware.unavailable()
        }
        return try await next(request, context)
    }

    static func sessionCookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookieName { return String(kv[1]) }
            }
        }
        return nil
    }
}
