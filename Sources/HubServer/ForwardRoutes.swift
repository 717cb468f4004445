import Crypto
import Foundation
import Hummingbird
import HubModel
import HubStore
import NIOCore

/// `POST /api/v1/forwarded`: a gate hub's batch of events with their raw records (see
/// `ForwarderService`). Each event is stored unless its id is already here, each raw record
/// unless its SHA-256 is; the answer says what was taken and through which gate position the
/// source is held. A batch that starts past that position gets 409 with `through`.
struct ForwardRoutes: RouteController {
    /// Largest forwarded batch accepted (a gate closes its batches at 8 MB of raw bytes).
    static let maxForwardedBytes = 64 << 20
    static let maxForwardedEvents = 1000

    /// Where forwarded events are kept; nil refuses them (503).
    let forwarding: (any ForwardingStore)?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.post(
            "/api/v1/forwarded", .gates, audit: "forward.receive",
            doc: .init(
                summary: "A gate hub's store-and-forward batch: events with their raw records, each kept once; answers what the central holds (409 with `through` when the batch starts past it).",
                body: (
                    "application/json",
                    S.object(
                        ["source": S.text, "after": S.integer, "first": S.integer, "last": S.integer, "events": S.array(S.eventRef),
                         "backlog": S.integer, "oldestWaitingAt": S.time,
                         "raw": S.array(S.object(
                            ["sha256": S.sha256, "format": S.string, "deviceId": S.string, "firstReceivedAt": S.time, "receivedAt": S.time,
                             "frameCount": S.integer, "bytes": ["type": "string", "contentEncoding": "base64"]],
                            required: ["sha256", "format", "deviceId", "firstReceivedAt", "receivedAt", "frameCount", "bytes"]))],
                        required: ["source", "after", "first", "last", "events", "raw"])
                ),
                response: S.object(
                    ["source": S.string, "received": S.integer, "stored": S.integer, "alreadyHad": S.integer, "rawStored": S.integer,
                     "through": S.integer], required: ["source", "received", "stored", "alreadyHad", "through"]))
        ) { request, context in
            guard let forwarding else { return JSONResponse.error(.serviceUnavailable, "this hub does not take forwarded events") }
            let body = try await request.body.collect(upTo: Self.maxForwardedBytes)
            let batch: ForwardedBatch
            switch Self.forwardedBatch(Data(body.readableBytesView)) {
            case .success(let b): batch = b
            case .failure(let bad): return JSONResponse.error(.badRequest, bad.message, field: bad.field)
            }
            if let refused = Self.foreignSite(batch, sender: context.who) {
                return JSONResponse.error(.forbidden, refused.message, field: refused.field)
            }
            do {
                let receipt = try await forwarding.acceptForwarded(batch)
                context.auditNote.set(
                    target: batch.source,
                    detail: "events \(batch.first)-\(batch.last): \(receipt.stored) stored, \(receipt.alreadyHad) already here")
                return try JSONResponse.make(receipt)
            } catch let gap as ForwardGap {
                struct Body: Encodable {
                    var error: String
                    var through: Int64
                }
                return try JSONResponse.make(Body(error: gap.description, through: gap.through), status: .conflict)
            }
        }
        // Audited as each batch is: an idle gate says this about every 30 s.
        routes.post(
            "/api/v1/forwarded/status", .gates, audit: "forward.status",
            doc: .init(
                summary: "An idle gate hub's uplink: events waiting to be forwarded and since when, so the central sees a quiet gate alive.",
                body: (
                    "application/json",
                    S.object(
                        ["source": S.text, "backlog": S.integer, "oldestWaitingAt": S.time, "through": S.integer],
                        required: ["source", "backlog"])
                ),
                response: S.object(["source": S.string, "reportedAt": S.time], required: ["source", "reportedAt"]))
        ) { request, context in
            guard let forwarding else { return JSONResponse.error(.serviceUnavailable, "this hub does not take forwarded events") }
            let body = try await request.body.collect(upTo: 16 << 10)
            let status: ForwardStatus
            switch Self.uplinkStatus(Data(body.readableBytesView), at: Date()) {
            case .success(let s): status = s
            case .failure(let bad): return JSONResponse.error(.badRequest, bad.message, field: bad.field)
            }
            if context.who.role == .gate, status.source != context.who.name {
                return JSONResponse.error(
                    .forbidden, "this gate credential reports for site '\(context.who.name)', not '\(status.source)'", field: "source")
            }
            try await forwarding.recordForwardStatus(status)
            context.auditNote.set(target: status.source, detail: "backlog \(status.backlog)")
            struct Answer: Encodable {
                var source: String
                var reportedAt: String
            }
            return try JSONResponse.make(Answer(source: status.source, reportedAt: Timestamp.format(status.reportedAt)))
        }
    }

    /// An idle gate's status report, checked.
    static func uplinkStatus(_ data: Data, at: Date) -> Result<ForwardStatus, BadRequest> {
        struct Body: Decodable {
            var source: String
            var backlog: Int
            var oldestWaitingAt: String?
            /// The gate's cursor; the central knows its own `through`, so this is only for the log.
            var through: Int64?
        }
        guard let b = try? JSONDecoder().decode(Body.self, from: data) else {
            return .failure(BadRequest(field: "", message: "expected {source, backlog, oldestWaitingAt?, through?}"))
        }
        guard !b.source.isEmpty, b.source.count <= 64 else {
            return .failure(BadRequest(field: "source", message: "expected the gate's site id"))
        }
        if let bad = uplinkProblem(backlog: b.backlog, oldestWaitingAt: b.oldestWaitingAt) { return .failure(bad) }
        return .success(
            ForwardStatus(source: b.source, backlog: b.backlog, oldestWaitingAt: b.oldestWaitingAt.flatMap(Timestamp.parse), reportedAt: at))
    }

    /// What is wrong with a reported backlog, if anything.
    static func uplinkProblem(backlog: Int?, oldestWaitingAt: String?) -> BadRequest? {
        if let backlog, backlog < 0 { return BadRequest(field: "backlog", message: "expected a count of events, 0 or more") }
        if let oldestWaitingAt, Timestamp.parse(oldestWaitingAt) == nil {
            return BadRequest(field: "oldestWaitingAt", message: "expected an RFC 3339 time")
        }
        return nil
    }

    /// The batch, checked: positions in order, events within the limit, each raw record's bytes
    /// matching its SHA-256.
    static func forwardedBatch(_ data: Data) -> Result<ForwardedBatch, BadRequest> {
        let batch: ForwardedBatch
        do {
            batch = try JSONDecoder().decode(ForwardedBatch.self, from: data)
        } catch let DecodingError.keyNotFound(key, at) {
            return .failure(BadRequest(field: Self.field(at.codingPath + [key]), message: "missing"))
        } catch let DecodingError.typeMismatch(_, at), let DecodingError.valueNotFound(_, at),
            let DecodingError.dataCorrupted(at)
        {
            return .failure(BadRequest(field: Self.field(at.codingPath), message: at.debugDescription))
        } catch {
            return .failure(BadRequest(field: "", message: "not a forwarded batch: \(error)"))
        }
        guard !batch.source.isEmpty, batch.source.count <= 64 else {
            return .failure(BadRequest(field: "source", message: "expected the gate's site id"))
        }
        guard batch.after >= 0, batch.after < batch.first, batch.first <= batch.last else {
            return .failure(BadRequest(field: "first", message: "expected after < first <= last"))
        }
        if let bad = uplinkProblem(backlog: batch.backlog, oldestWaitingAt: batch.oldestWaitingAt) { return .failure(bad) }
        guard !batch.events.isEmpty, batch.events.count <= maxForwardedEvents else {
            return .failure(BadRequest(field: "events", message: "expected 1 to \(maxForwardedEvents) events"))
        }
        for (i, w) in batch.raw.enumerated() {
            guard let r = w.record else {
                return .failure(BadRequest(field: "raw.\(i)", message: "expected base64 bytes and RFC 3339 times"))
            }
            let digest = Hex.encode(SHA256.hash(data: r.bytes))
            guard digest == r.sha256 else {
                return .failure(BadRequest(field: "raw.\(i).sha256", message: "the bytes hash to \(digest)"))
            }
        }
        return .success(batch)
    }

    /// A gate credential forwards for one site, the one its token was issued to (its owner), and a
    /// batch carries that site's events only; nil when the batch keeps to that.
    static func foreignSite(_ batch: ForwardedBatch, sender: Identity) -> BadRequest? {
        if sender.role == .gate, batch.source != sender.name {
            return BadRequest(
                field: "source", message: "this gate credential forwards for site '\(sender.name)', not '\(batch.source)'")
        }
        if let i = batch.events.firstIndex(where: { $0.site.map { $0 != batch.source } ?? false }) {
            return BadRequest(
                field: "events.\(i).site",
                message: "a batch from '\(batch.source)' carries an event of site '\(batch.events[i].site ?? "")'")
        }
        return nil
    }

    /// `raw.0.bytes`, not `raw.Index 0.bytes`.
    private static func field(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
