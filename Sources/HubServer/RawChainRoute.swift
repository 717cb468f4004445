import Foundation
import Hummingbird
import HubModel
import HubStore

/// `GET /api/v1/raw/:sha256/chain`: a raw record's place in the archive's hash chain, with every
/// value a reader needs to recompute the links (the analyst's page does, in the browser).
struct RawChainRoute: RouteController {
    let store: any EventStore

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        let link = S.object(
            ["seq": S.integer, "sha256": S.string, "format": S.string, "device": S.string, "firstReceivedAt": S.string,
             "receivedAt": S.string, "frames": S.integer],
            required: ["seq", "sha256", "format", "device", "firstReceivedAt", "receivedAt", "frames"])
        let base64: S.Schema = ["type": "string", "contentEncoding": "base64"]
        routes.get(
            "/api/v1/raw/:sha256/chain", .people,
            doc: .init(
                summary: "A raw record's hash-chain proof: its link fields and canonical bytes, the chain value it follows "
                    + "(genesis for the first row), its own, the next row's link and chain value, and the table's head. "
                    + "chain = SHA-256(previous ‖ canonical); 404 when no record has this hash (retention may have removed it).",
                response: S.object(
                    ["seq": S.integer, "link": link, "canonical": base64, "previous": S.object(
                        ["chain": S.string, "genesis": S.boolean, "purged": S.boolean], required: ["genesis", "purged"]),
                     "chain": S.string,
                     "next": S.object(["link": link, "canonical": base64, "chain": S.string], required: ["link", "canonical", "chain"]),
                     "nextPurged": S.boolean, "head": S.object(["seq": S.integer, "chain": S.string], required: ["seq", "chain"]),
                     "verified": S.boolean],
                    required: ["seq", "link", "canonical", "previous", "chain", "nextPurged", "head", "verified"]))
        ) { _, context in try await proof(try context.parameters.require("sha256")) }
    }

    struct Link: Encodable {
        var seq: Int64
        var sha256: String
        var format: String
        var device: String
        var firstReceivedAt: String
        var receivedAt: String
        var frames: Int64

        init(_ l: RawRecordLink) {
            seq = l.seq
            sha256 = l.sha256
            format = l.format
            device = l.deviceID
            firstReceivedAt = l.firstReceivedAt
            receivedAt = l.receivedAt
            frames = l.frameCount
        }
    }

    struct Previous: Encodable {
        /// Hex; absent when the row before is missing with no purge record.
        var chain: String?
        var genesis: Bool
        var purged: Bool
    }

    struct Next: Encodable {
        var link: Link
        var canonical: String
        var chain: String
    }

    struct Head: Encodable {
        var seq: Int64
        var chain: String
    }

    struct Body: Encodable {
        var seq: Int64
        var link: Link
        /// Base64 of the canonical encoding the chain hashes.
        var canonical: String
        var previous: Previous
        var chain: String
        var next: Next?
        var nextPurged: Bool
        var head: Head
        /// The hub's own recomputation; a reader should recompute rather than trust it.
        var verified: Bool

        init(_ p: RawChainProof) {
            seq = p.link.seq
            link = Link(p.link)
            canonical = Data(p.link.canonical).base64EncodedString()
            previous = Previous(chain: p.previous?.hex, genesis: p.link.seq == 1, purged: p.previousPurged)
            chain = p.chain.hex
            next = p.next.map { Next(link: Link($0.link), canonical: Data($0.link.canonical).base64EncodedString(), chain: $0.chain.hex) }
            nextPurged = p.nextPurged
            head = Head(seq: p.headSeq, chain: p.headChain.hex)
            verified = p.linkVerifies && p.nextVerifies
        }
    }

    private func proof(_ sha256: String) async throws -> Response {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
            return JSONResponse.error(.badRequest, "expected 64 hex digits", field: "sha256")
        }
        switch try await store.rawChainProof(sha256: sha256.lowercased()) {
        case .found(let p):
            return try JSONResponse.make(Body(p))
        case .notStored(let purged, let last) where purged > 0:
            return JSONResponse.error(
                .notFound,
                "no raw record \(sha256) is stored; retention has removed \(purged) raw records (the last purge at \(last ?? "?")), "
                    + "so it may have been one of them")
        case .notStored:
            return JSONResponse.error(.notFound, "no raw record \(sha256) is stored")
        }
    }
}
