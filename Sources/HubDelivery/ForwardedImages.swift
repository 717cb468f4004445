import Foundation
import HubModel
import HubStore

/// The scanner images a forwarded batch's scan results name, sent ahead of the batch to the
/// central's `POST /api/v1/forwarded/blobs/{sha256}`, so that when a gate's scan reaches the central's
/// image review queue its images are there to view.
struct ForwardedImages {
    let blobs: BlobStore

    /// The SHA-256 of every image the gate keeps that `events` (stored event JSON) name as stored.
    func named(in events: [String]) -> [String] {
        var out: [String] = []
        for body in events where body.contains("\"\(EventKind.scanResult)\"") {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any],
                o["kind"] as? String == EventKind.scanResult,
                let stored = (o["data"] as? [String: Any])?["imagesStored"] as? [String]
            else { continue }
            for sha in stored where BlobStore.isHash(sha) && blobs.contains(sha) && !out.contains(sha) { out.append(sha) }
        }
        return out
    }

    /// The central's address for one image, beside its forwarded route.
    static func url(forwarded: URL, sha256: String) -> URL {
        forwarded.appendingPathComponent("blobs").appendingPathComponent(sha256)
    }
}
