import Foundation
import HTTPTypes
import Hummingbird
import HubImaging
import HubStore
import NIOCore

/// Scanner images for the viewer: `GET /api/v1/images/{sha256}` describes a stored image (size,
/// depth, pixel spacing, its pyramid's levels, the suggested window), `GET
/// /api/v1/images/{sha256}/tiles/{level}/{column}/{row}` answers one tile's 16-bit samples,
/// little-endian, so the browser windows the real data. A file the decoders refuse gets 422 with
/// the reason, counted.
struct ImageRoutes: RouteController {
    /// Decoded pyramids; nil when the hub keeps no images (503).
    let cache: ImageCache?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/images/:sha256", .people,
            doc: .init(
                summary: "A stored scanner image as the viewer reads it: size, bits, pixel spacing, rescale, its tile pyramid's levels, the samples' range and a suggested window.",
                response: S.object(
                    ["sha256": S.sha256, "format": S.oneOf(ImageFormat.allCases.map(\.rawValue)), "width": S.integer, "height": S.integer,
                     "bitsPerSample": S.integer, "signed": S.boolean,
                     "pixelSpacing": S.object(["rowMm": S.number, "columnMm": S.number], required: ["rowMm", "columnMm"]),
                     "rescale": S.object(["slope": S.number, "intercept": S.number], required: ["slope", "intercept"]),
                     "tileSize": S.integer,
                     "levels": S.array(S.object(
                        ["level": S.integer, "width": S.integer, "height": S.integer, "columns": S.integer, "rows": S.integer],
                        required: ["level", "width", "height", "columns", "rows"])),
                     "min": S.integer, "max": S.integer,
                     "window": S.object(["center": S.number, "width": S.number], required: ["center", "width"])],
                    required: ["sha256", "format", "width", "height", "bitsPerSample", "signed", "tileSize", "levels", "min", "max", "window"]),
                answers: ["422": "The decoders refused the file; `reason` names why (truncated, tooLarge, malformed, unsupported, library, unknownFormat)."])
        ) { _, context in
            switch try await decoded(context) {
            case .answer(let r): return r
            case .image(let sha, let d): return try JSONResponse.make(Self.description(sha: sha, d))
            }
        }
        routes.get(
            "/api/v1/images/:sha256/tiles/:level/:column/:row", .people,
            doc: .init(
                summary: "One tile of an image's pyramid: its samples as little-endian 16-bit integers, row by row; `X-Tile-Width` and `X-Tile-Height` give its size (smaller at the right and bottom edges).",
                produces: "application/octet-stream", response: S.bytes,
                answers: ["422": "The decoders refused the file; `reason` names why."])
        ) { _, context in
            switch try await decoded(context) {
            case .answer(let r): return r
            case .image(_, let d):
                var at: [Int] = []
                for name in ["level", "column", "row"] {
                    guard let v = Int(try context.parameters.require(name)), v >= 0 else {
                        return JSONResponse.error(.badRequest, "expected a whole number from 0", field: name)
                    }
                    at.append(v)
                }
                let p = d.pyramid
                guard p.levels.indices.contains(at[0]) else {
                    return JSONResponse.error(.badRequest, "the image has levels 0 to \(p.levels.count - 1)", field: "level")
                }
                let l = p.levels[at[0]]
                guard at[1] < l.columns else { return JSONResponse.error(.badRequest, "level \(at[0]) has columns 0 to \(l.columns - 1)", field: "column") }
                guard at[2] < l.rows else { return JSONResponse.error(.badRequest, "level \(at[0]) has rows 0 to \(l.rows - 1)", field: "row") }
                guard let t = p.tileBytes(level: at[0], column: at[1], row: at[2]) else { return JSONResponse.error(.notFound, "no such tile") }
                var headers: HTTPFields = [.contentType: "application/octet-stream", .cacheControl: "private, max-age=86400, immutable"]
                headers[HTTPField.Name("X-Tile-Width")!] = String(t.width)
                headers[HTTPField.Name("X-Tile-Height")!] = String(t.height)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: t.bytes)))
            }
        }
    }

    private enum Looked {
        case answer(Response)
        case image(String, ImageCache.Decoded)
    }

    private func decoded(_ context: HubRequestContext) async throws -> Looked {
        let sha = try context.parameters.require("sha256")
        guard BlobStore.isHash(sha) else { return .answer(JSONResponse.error(.badRequest, "expected 64 lower-case hex digits", field: "sha256")) }
        guard let cache else { return .answer(JSONResponse.error(.serviceUnavailable, "this hub keeps no images")) }
        switch await cache.image(sha) {
        case nil: return .answer(JSONResponse.error(.notFound, "no image \(sha)"))
        case .failure(let r)?:
            struct Refused: Encodable {
                var error: String
                var reason: String
            }
            return .answer(try JSONResponse.make(Refused(error: r.message, reason: r.reason), status: .unprocessableContent))
        case .success(let d)?: return .image(sha, d)
        }
    }

    /// The image's description as the viewer reads it.
    static func description(sha: String, _ d: ImageCache.Decoded) -> Description {
        let g = d.image, p = d.pyramid
        return Description(
            sha256: sha, format: d.format.rawValue, width: g.width, height: g.height, bitsPerSample: g.bitsPerSample, signed: g.signedSamples,
            pixelSpacing: g.pixelSpacing.map { .init(rowMm: $0.rowMillimetres, columnMm: $0.columnMillimetres) },
            rescale: g.rescale.map { .init(slope: $0.slope, intercept: $0.intercept) }, tileSize: p.tileSize,
            levels: p.levels.enumerated().map { .init(level: $0.offset, width: $0.element.width, height: $0.element.height, columns: $0.element.columns, rows: $0.element.rows) },
            min: Int(p.minimum), max: Int(p.maximum), window: .init(center: p.window.center, width: p.window.width))
    }

    struct Description: Encodable {
        struct Spacing: Encodable { var rowMm, columnMm: Double }
        struct Scale: Encodable { var slope, intercept: Double }
        struct Level: Encodable { var level, width, height, columns, rows: Int }
        struct Window: Encodable { var center, width: Double }
        var sha256, format: String
        var width, height, bitsPerSample: Int
        var signed: Bool
        var pixelSpacing: Spacing?
        var rescale: Scale?
        var tileSize: Int
        var levels: [Level]
        var min, max: Int
        var window: Window
    }
}
