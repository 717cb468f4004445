import Foundation
import Hummingbird
import HubStore
import NIOCore

extension HubAPI {
    /// Largest image accepted over HTTP.
    static let maxBlobBytes = 512 << 20

    /// Scanner images: `POST /api/v1/blobs` stores the body as it is and answers its SHA-256 (the
    /// name a scan result document refers to it by); `GET /api/v1/blobs/{sha256}` gives it back.
    func addBlobRoutes(to router: Router<HubRequestContext>) {
        router.post("/api/v1/blobs") { request, _ in
            guard let blobs else { return JSONResponse.error(.serviceUnavailable, "no blob store") }
            let body = try await request.body.collect(upTo: Self.maxBlobBytes)
            guard body.readableBytes > 0 else { return JSONResponse.error(.badRequest, "empty body", field: "body") }
            let sha = try blobs.put(Data(body.readableBytesView))
            struct Stored: Encodable {
                var sha256: String
                var bytes: Int
            }
            return try JSONResponse.make(Stored(sha256: sha, bytes: body.readableBytes), status: .created)
        }
        router.get("/api/v1/blobs/:sha256") { _, context in
            let sha = try context.parameters.require("sha256")
            guard BlobStore.isHash(sha) else { return JSONResponse.error(.badRequest, "expected 64 lower-case hex digits", field: "sha256") }
            guard let data = blobs?.read(sha) else { return JSONResponse.error(.notFound, "no blob \(sha)") }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
