import Foundation
import HubModel

/// ANSI N42.42 documents (2006 and 2012) from radiation instruments: handhelds, backpacks, mobile
/// systems. A document is one frame: bytes are held until its root element closes (instruments that
/// stream documents one after another on a socket) or the input ends (a file), then decoded whole.
///
/// Each measurement becomes a `measurement` reading and each alarm or nuclide result an `alarm`;
/// all of them point at the one archived document. A document larger than `maxDocumentBytes` is cut:
/// its head is archived and it is counted as overlong. Bytes that do not read as N42 are counted as
/// garbage (not XML) or malformed (XML that is not N42), and archived all the same.
public struct N42Driver: DeviceDriver {
    public let rawFormat = "n42-xml"
    public private(set) var counters = DecodeCounters()
    public var pendingBytes: Int { buffer.count }

    /// The largest document held; the biggest real files (long mobile surveys) are a few tens of MB.
    public static let maxDocumentBytes = 64 << 20
    /// How much of an over-long document is archived.
    static let overlongHeadBytes = 64 << 10

    private var options: DriverOptions
    private let maxBytes: Int
    private var buffer: [UInt8] = []
    /// Where the search for a closing root tag resumes.
    private var scanFrom = 0
    /// Bytes dropped from an over-long document, until its root closes.
    private var dropping = 0

    public init(options: DriverOptions = DriverOptions(), maxDocumentBytes: Int = N42Driver.maxDocumentBytes) {
        self.options = options
        maxBytes = max(1024, maxDocumentBytes)
    }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var rest = bytes
        while !rest.isEmpty {
            let room = maxBytes - buffer.count
            let take = rest.prefix(max(room, 0))
            if dropping > 0 || take.isEmpty {
                // Over the limit: keep only enough to see the root close; what follows it is read as usual.
                rest = overflow(rest, into: &steps)
                continue
            }
            buffer += take
            rest = rest.dropFirst(take.count)
            while let end = Self.rootEnd(in: buffer, from: scanFrom) {
                let document = Array(buffer[..<end])
                buffer.removeFirst(end)
                scanFrom = 0
                decode(document, receivedAt: receivedAt, into: &steps)
            }
            scanFrom = max(0, buffer.count - 40)
        }
    }

    /// New settings (the device's time zone); the document being received is kept.
    public mutating func reconfigure(_ options: DriverOptions) { self.options = options }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        if dropping > 0 {
            dropping = 0
            buffer.removeAll()
            return
        }
        let document = buffer
        buffer.removeAll()
        scanFrom = 0
        // Whitespace after the last document is not a document.
        guard document.contains(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }) else { return }
        decode(document, receivedAt: receivedAt, into: &steps)
    }

    /// Drops an over-long document's bytes until its root closes; returns the bytes after that close
    /// (empty while the document goes on), so a document behind it in the same push is not held back.
    private mutating func overflow(_ bytes: ArraySlice<UInt8>, into steps: inout [DriverStep]) -> ArraySlice<UInt8> {
        if dropping == 0 {
            counters.frames += 1
            counters.reject(.overlong)
            steps.append(.frame(Array(buffer.prefix(Self.overlongHeadBytes))[...]))
            dropping = buffer.count
            // Keep a short tail so a closing tag split across pushes is still seen.
            buffer = Array(buffer.suffix(40))
        }
        buffer += bytes
        dropping += bytes.count
        if let end = Self.rootEnd(in: buffer, from: 0) {
            let after = Array(buffer[end...])
            buffer.removeAll()
            dropping = 0
            scanFrom = 0
            return after[...]
        }
        buffer = Array(buffer.suffix(40))
        return []
    }

    private mutating func decode(_ document: [UInt8], receivedAt: Date, into steps: inout [DriverStep]) {
        counters.frames += 1
        steps.append(.frame(document[...]))
        switch N42Document.decode(document, utcOffsetSeconds: options.utcOffsetSeconds) {
        case .failure(.notWellFormed):
            counters.reject(.garbage)
        case .failure(.notN42(let root)):
            counters.unknown(String(root.prefix(32)))
        case .success(let doc):
            var span = RawSpan.segment
            for m in doc.measurements {
                steps.append(.reading(.radiationInstrument(.measurement(m)), span))
                span = .previous
            }
            for a in doc.alarms {
                steps.append(.reading(.radiationInstrument(.alarm(a)), span))
                span = .previous
            }
            counters.readings += doc.measurements.count + doc.alarms.count
            if doc.measurements.isEmpty { counters.reject(.malformed) }
        }
    }

    /// The end (exclusive, after `>`) of the first closing root tag at or after `from`:
    /// `</RadInstrumentData>` or `</N42InstrumentData>`, with or without a prefix.
    public static func rootEnd(in bytes: [UInt8], from: Int) -> Int? {
        let names: [[UInt8]] = [Array("RadInstrumentData>".utf8), Array("N42InstrumentData>".utf8)]
        var i = max(0, from)
        while i + 1 < bytes.count {
            if bytes[i] == 60, bytes[i + 1] == 47 {
                var j = i + 2
                // An optional `prefix:`.
                var k = j
                while k < bytes.count, k - j < 32, bytes[k] != 58, bytes[k] != 62, bytes[k] != 60 { k += 1 }
                if k < bytes.count, bytes[k] == 58 { j = k + 1 }
                for name in names where j + name.count <= bytes.count && bytes[j..<(j + name.count)].elementsEqual(name) {
                    return j + name.count
                }
            }
            i += 1
        }
        return nil
    }
}
