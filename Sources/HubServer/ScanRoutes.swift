import Foundation
import Hummingbird
import HubCorrelation
import HubIngest
import HubModel
import HubStore
import NIOCore

/// `POST /api/v1/scans`: a scanner adapter posts one scan result document
/// (`Schemas/scan-result-v1.schema.json`); it becomes a `scan.result` event through the same
/// driver and normalizer as a file drop, is stored with its bytes as the raw record, and the event
/// comes back with 201. A bad document gets 400 with every problem by field.
struct ScanRoutes: RouteController {
    /// Largest scan result document accepted; images are referenced by hash, never posted here.
    static let maxScanDocumentBytes = 4 << 20

    /// Where the event goes: the hub's ingest sink, so it reaches passages, risk and live views.
    let store: any EventStore
    /// Ids for the events made here; the hub shares its ingest's.
    let ids: EventIDGenerator
    /// The site a document that names none belongs to.
    let site: String

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/scans", .operators, audit: "scan.post",
            doc: .init(
                summary: "Post a scan result document (Schemas/scan-result-v1.schema.json).",
                body: (
                    "application/json",
                    S.object(
                        ["schema": ["const": "niihub.scan-result/1"], "scanId": S.text, "scanner": ["type": "object"], "site": S.string,
                         "lane": S.string, "startedAt": S.time, "endedAt": S.time, "containers": S.strings, "plate": S.string,
                         "images": S.array(["type": "object"]), "atd": ["type": "object"], "operatorVerdict": ["type": "object"],
                         "extensions": ["type": "object"]], required: ["scanId", "scanner", "startedAt"])
                ),
                response: S.eventRef, status: "201")
        ) { request, context in
            let body = try await request.body.collect(upTo: Self.maxScanDocumentBytes)
            return try await postScan(Array(body.readableBytesView), note: context.auditNote)
        }
    }

    private func postScan(_ bytes: [UInt8], note: AuditNote) async throws -> Response {
        let doc: ScanResultDocument
        switch ScanResultDocument.decode(bytes) {
        case .success(let d): doc = d
        case .failure(let invalid):
            struct Body: Encodable {
                var error: String
                var field: String?
                var problems: [ScanResultDocument.Problem]
            }
            return try JSONResponse.make(
                Body(error: "invalid scan result document", field: invalid.problems.first?.field, problems: invalid.problems),
                status: .badRequest)
        }
        let context = DeviceContext(
            device: DeviceRef(id: doc.scanner.id, profile: "scan-api", family: "container-scanner"),
            site: doc.site ?? site, lane: doc.lane)
        guard var decoder = FeedDecoder(protocolName: "scan", context: context, ids: ids) else {
            return JSONResponse.error(.internalServerError, "no scan driver")
        }
        let now = Date()
        var batch = decoder.push(bytes[...], receivedAt: now)
        batch.append(decoder.finish(receivedAt: now))
        guard let event = batch.events.first else {
            return JSONResponse.error(.badRequest, "the document gave no event", field: "")
        }
        // The hub's store is its ingest sink: storing reaches the lane board, the live socket, passages
        // and risk once, as a device's event does (publishing here as well sent every scan twice).
        try await store.append(batch)
        note.set(target: event.id, detail: "scan \(doc.scanID)")
        return try JSONResponse.make(event, status: .created)
    }
}
