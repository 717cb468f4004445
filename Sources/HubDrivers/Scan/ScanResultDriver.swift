import Foundation
import HubModel

/// Container scanners, through the vendor-neutral scan result document (`ScanResultDocument`): one
/// JSON object per frame. A file holds one; a socket may carry several back to back (or one per
/// line), so a frame ends where its top-level object closes. Each valid document is one `scan`
/// reading; an invalid one is counted as malformed, text that is not JSON as garbage.
public struct ScanResultDriver: DeviceDriver {
    public let rawFormat = "scan-result-json"
    public private(set) var counters = DecodeCounters()
    public var pendingBytes: Int { buffer.count }

    /// Scan results reference images by hash, so a document is small; this bounds a runaway one.
    public static let maxDocumentBytes = 4 << 20

    private var buffer: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var dropping = false

    public init(options: DriverOptions = DriverOptions()) {}

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        for b in bytes {
            if dropping {
                // Skip the rest of an over-long document: resynchronize at the next top-level close.
                track(b)
                if depth == 0, !inString { dropping = false }
                continue
            }
            if depth == 0, !inString, b != 123 {
                // Between documents only whitespace belongs; anything else is kept to be reported.
                if b == 32 || b == 10 || b == 13 || b == 9 {
                    if buffer.isEmpty { continue }
                }
                buffer.append(b)
                if buffer.count > 4096 { emitGarbage(into: &steps) }
                continue
            }
            if depth == 0, !inString, b == 123, !buffer.isEmpty { emitGarbage(into: &steps) }
            buffer.append(b)
            track(b)
            if depth == 0, !inString {
                decode(into: &steps)
            } else if buffer.count > Self.maxDocumentBytes {
                counters.frames += 1
                counters.reject(.overlong)
                steps.append(.frame(Array(buffer.prefix(64 << 10))[...]))
                buffer.removeAll()
                dropping = true
            }
        }
    }

    /// Nothing to take: documents carry their own times and the size limit is fixed.
    public mutating func reconfigure(_ options: DriverOptions) {}

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        if !buffer.isEmpty {
            // A document cut off by the end of input, or trailing text: either way not a result.
            emitGarbage(into: &steps)
        }
        depth = 0
        inString = false
        escaped = false
        dropping = false
    }

    /// JSON nesting, aware of strings so that braces inside text do not count.
    private mutating func track(_ b: UInt8) {
        if inString {
            if escaped { escaped = false } else if b == 92 { escaped = true } else if b == 34 { inString = false }
            return
        }
        switch b {
        case 34: inString = true
        case 123, 91: depth += 1
        case 125, 93: depth = max(0, depth - 1)
        default: break
        }
    }

    private mutating func emitGarbage(into steps: inout [DriverStep]) {
        counters.frames += 1
        counters.reject(.garbage)
        steps.append(.frame(buffer[...]))
        buffer.removeAll()
        depth = 0
        inString = false
        escaped = false
    }

    private mutating func decode(into steps: inout [DriverStep]) {
        counters.frames += 1
        let document = buffer
        buffer.removeAll()
        steps.append(.frame(document[...]))
        switch ScanResultDocument.decode(document) {
        case .success(let doc):
            steps.append(.reading(.scan(doc), .segment))
            counters.readings += 1
        case .failure(let invalid):
            counters.reject(invalid.problems.first?.reason == "not a JSON document" ? .garbage : .malformed)
        }
    }
}
