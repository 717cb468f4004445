import Foundation
import HubImaging
import HubStore
import Metrics

/// Decoded scanner images as tile pyramids, kept by SHA-256 within a memory cap.
///
/// An image is decoded on the first request for it, one decode at a time (a second request for
/// the same image waits for the first decode rather than starting its own), off the server's event
/// loops. Pyramids are dropped least recently used first once the cap is passed; an image whose
/// pyramid alone would pass the cap is refused before any sample is allocated. Refusals are
/// counted (`niihub_images_refused_total{reason}`) and remembered, so a bad file is read once.
actor ImageCache {
    /// A decoded image: its pyramid and the format it was read from.
    struct Decoded: Sendable {
        var pyramid: ImagePyramid
        var image: ScanImage.Geometry
        var format: ImageFormat
    }

    /// Why an image is not served: the decoder's reason, named for counting.
    struct Refusal: Error, Sendable {
        var reason: String
        var message: String
    }

    let blobs: BlobStore
    /// Most bytes of pyramids kept at once.
    let capBytes: Int
    private var kept: [String: (decoded: Decoded, used: Int)] = [:]
    private var refused: [String: Refusal] = [:]
    private var loading: [String: Task<Result<Decoded, Refusal>, Never>] = [:]
    private var previous: Task<Void, Never>?
    private var clock = 0
    private(set) var bytes = 0

    init(blobs: BlobStore, capBytes: Int = 512 << 20) {
        self.blobs = blobs
        self.capBytes = capBytes
    }

    /// The decoded image, or nil when there is no such blob.
    func image(_ sha: String) async -> Result<Decoded, Refusal>? {
        clock += 1
        if let hit = kept[sha] {
            kept[sha]?.used = clock
            return .success(hit.decoded)
        }
        if let r = refused[sha] { return .failure(r) }
        guard blobs.contains(sha) else { return nil }
        if let task = loading[sha] { return await task.value }
        let path = blobs.path(sha), cap = capBytes, before = previous
        let task = Task<Result<Decoded, Refusal>, Never> {
            await before?.value  // one decode at a time: each waits for the one started before it
            return await Task.detached(priority: .userInitiated) { Self.decode(path: path, capBytes: cap) }.value
        }
        loading[sha] = task
        previous = Task { _ = await task.value }
        let result = await task.value
        loading[sha] = nil
        switch result {
        case .success(let d): keep(sha, d)
        case .failure(let r):
            refused[sha] = r
            Counter(label: "niihub_images_refused_total", dimensions: [("reason", r.reason)]).increment()
        }
        return result
    }

    private func keep(_ sha: String, _ d: Decoded) {
        kept[sha] = (d, clock)
        bytes += d.pyramid.bytes
        while bytes > capBytes, let oldest = kept.filter({ $0.key != sha }).min(by: { $0.value.used < $1.value.used }) {
            bytes -= oldest.value.decoded.pyramid.bytes
            kept[oldest.key] = nil
        }
        Gauge(label: "niihub_image_cache_bytes").record(bytes)
    }

    /// Reads and decodes one blob; the pixel cap is what a pyramid within `capBytes` may hold.
    static func decode(path: String, capBytes: Int) -> Result<Decoded, Refusal> {
        let started = ContinuousClock.now
        let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
        guard size <= capBytes else {
            return .failure(Refusal(reason: "tooLarge", message: "too large: the file's \(size) bytes are above the image cache's \(capBytes)"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Refusal(reason: "unreadable", message: "the stored image could not be read"))
        }
        let bytes = [UInt8](data)
        let limits = ImageLimits(maxPixels: max(1, capBytes * 3 / 8))
        do {
            let image = try ScanImageDecoder.decode(bytes, limits: limits)
            let format = ScanImageDecoder.format(of: bytes) ?? .pgm
            let pyramid = ImagePyramid(image)
            let elapsed = started.duration(to: .now)
            Counter(label: "niihub_images_decoded_total", dimensions: [("format", format.rawValue)]).increment()
            Timer(label: "niihub_image_decode_seconds").recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            return .success(Decoded(pyramid: pyramid, image: image.geometry, format: format))
        } catch {
            return .failure(Refusal(reason: error.reasonName, message: error.description))
        }
    }
}

extension ImageError {
    /// The case's name, for counting refusals by reason.
    var reasonName: String {
        switch self {
        case .unknownFormat: "unknownFormat"
        case .truncated: "truncated"
        case .tooLarge: "tooLarge"
        case .malformed: "malformed"
        case .unsupported: "unsupported"
        case .library: "library"
        case .sizeMismatch: "sizeMismatch"
        }
    }
}
