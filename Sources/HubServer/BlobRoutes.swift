import Foundation
import Hummingbird
import HubStore
import NIOCore
import Synchronization

/// Scanner images: `POST /api/v1/blobs` streams the body to disk as it arrives (never whole in
/// memory) and answers its SHA-256 (the name a scan result document refers to it by);
/// `GET /api/v1/blobs/{sha256}` streams it back.
struct BlobRoutes: RouteController {
    /// Largest image accepted over HTTP.
    static let maxBytes = 512 << 20
    /// Uploads written at once; one more gets 503 with Retry-After rather than another open file
    /// and another body's worth of disk traffic.
    static let maxUploadsInFlight = 4

    /// Where images are kept; nil answers 503 (a hub without one) or 404.
    let blobs: BlobStore?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        let uploads = UploadSlots(limit: Self.maxUploadsInFlight)
        routes.post(
            "/api/v1/blobs", .operators, audit: "blob.post", body: nil,
            doc: .init(
                summary: "Store a scanner image by SHA-256.", body: ("application/octet-stream", S.bytes),
                response: S.object(["sha256": S.sha256, "bytes": S.integer], required: ["sha256", "bytes"]), status: "201")
        ) { request, context in
            guard let blobs else { return JSONResponse.error(.serviceUnavailable, "no blob store") }
            guard uploads.take() else {
                var r = JSONResponse.error(.serviceUnavailable, "too many uploads at once; try again shortly")
                r.headers[.retryAfter] = "2"
                return r
            }
            defer { uploads.give() }
            let writer = try blobs.writer()
            for try await chunk in request.body {
                guard writer.count + chunk.readableBytes <= Self.maxBytes else {
                    writer.abandon()
                    return JSONResponse.error(
                        .contentTooLarge, "the body is larger than this route accepts (\(Self.maxBytes) bytes)", field: "body")
                }
                try chunk.withUnsafeReadableBytes { try writer.write($0) }
            }
            guard writer.count > 0 else {
                writer.abandon()
                return JSONResponse.error(.badRequest, "empty body", field: "body")
            }
            let bytes = writer.count
            let sha = try writer.finish()
            context.auditNote.set(target: sha, detail: "\(bytes) bytes")
            struct Stored: Encodable {
                var sha256: String
                var bytes: Int
            }
            return try JSONResponse.make(Stored(sha256: sha, bytes: bytes), status: .created)
        }
        routes.post(
            "/api/v1/forwarded/blobs/:sha256", .gates, audit: "forward.image", body: nil,
            doc: .init(
                summary: "A gate hub's scanner image, sent ahead of the forwarded scan that names it; kept when its SHA-256 is the one named (200 when already here).",
                body: ("application/octet-stream", S.bytes),
                response: S.object(["sha256": S.sha256, "bytes": S.integer, "already": S.boolean], required: ["sha256", "bytes", "already"]),
                status: "201", answers: ["400": "The body's SHA-256 is not the one named in the path."])
        ) { request, context in
            let sha = try context.parameters.require("sha256")
            guard BlobStore.isHash(sha) else { return JSONResponse.error(.badRequest, "expected 64 lower-case hex digits", field: "sha256") }
            guard let blobs else { return JSONResponse.error(.serviceUnavailable, "no blob store") }
            struct Stored: Encodable {
                var sha256: String
                var bytes: Int
                var already: Bool
            }
            if blobs.contains(sha) {
                let size = ((try? FileManager.default.attributesOfItem(atPath: blobs.path(sha))[.size]) as? Int) ?? 0
                return try JSONResponse.make(Stored(sha256: sha, bytes: size, already: true))
            }
            guard uploads.take() else {
                var r = JSONResponse.error(.serviceUnavailable, "too many uploads at once; try again shortly")
                r.headers[.retryAfter] = "2"
                return r
            }
            defer { uploads.give() }
            let writer = try blobs.writer()
            for try await chunk in request.body {
                guard writer.count + chunk.readableBytes <= Self.maxBytes else {
                    writer.abandon()
                    return JSONResponse.error(.contentTooLarge, "the body is larger than this route accepts (\(Self.maxBytes) bytes)", field: "body")
                }
                try chunk.withUnsafeReadableBytes { try writer.write($0) }
            }
            let bytes = writer.count
            // The name is the content's hash: bytes that hash otherwise are not kept under it.
            guard try writer.finish(expecting: sha) != nil else {
                return JSONResponse.error(.badRequest, "the body's SHA-256 is not \(sha)", field: "sha256")
            }
            context.auditNote.set(target: sha, detail: "\(bytes) bytes")
            return try JSONResponse.make(Stored(sha256: sha, bytes: bytes, already: false), status: .created)
        }
        routes.get(
            "/api/v1/blobs/:sha256", .people,
            doc: .init(summary: "A stored scanner image.", produces: "application/octet-stream", response: S.bytes)
        ) { _, context in
            let sha = try context.parameters.require("sha256")
            guard BlobStore.isHash(sha) else { return JSONResponse.error(.badRequest, "expected 64 lower-case hex digits", field: "sha256") }
            guard let blobs, blobs.contains(sha) else { return JSONResponse.error(.notFound, "no blob \(sha)") }
            // Streamed from disk in chunks: a container scan can be hundreds of megabytes.
            let body = try await FileIO().loadFile(path: blobs.path(sha), context: context)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
        }
    }
}

/// A count of uploads in flight with a ceiling.
final class UploadSlots: Sendable {
    private let used = Mutex(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// A slot, or false when all are taken.
    func take() -> Bool {
        used.withLock { n in
            guard n < limit else { return false }
            n += 1
            return true
        }
    }

    func give() { used.withLock { $0 -= 1 } }

    var inUse: Int { used.withLock { $0 } }
}
