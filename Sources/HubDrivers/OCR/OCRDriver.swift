import Foundation
import HubModel

/// Gate OCR and licence plate cameras speaking the `OCR,…` line protocol (see `OCRLine`): one
/// `ocr` reading per read. Bad lines are counted (garbage, malformed, checksum) and archived.
public struct OCRDriver: DeviceDriver {
    public let rawFormat = "ocr-lines"
    public private(set) var counters = DecodeCounters()

    private let options: DriverOptions
    private var framer: LineFramer

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
        framer = LineFramer(maxLineBytes: options.maxFrameBytes)
    }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var framer = self.framer
        framer.push(bytes) { handle($0, into: &steps) }
        self.framer = framer
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        var framer = self.framer
        framer.finish { handle($0, into: &steps) }
        self.framer = framer
    }

    private mutating func handle(_ output: LineFramer.Output, into steps: inout [DriverStep]) {
        guard let content = output.archive(counters: &counters, steps: &steps) else { return }
        switch OCRLine.parse(content, utcOffsetSeconds: options.utcOffsetSeconds) {
        case .success(let line):
            steps.append(.reading(.ocr(line.reading), .segment))
            counters.readings += 1
        case .failure(.garbage): counters.reject(.garbage)
        case .failure(.malformed): counters.reject(.malformed)
        case .failure(.checksum): counters.reject(.checksum)
        case .failure(.unknownKind(let kind)): counters.unknown(kind)
        }
    }
}
