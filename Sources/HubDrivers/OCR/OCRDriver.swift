import Foundation
import HubModel

/// Gate OCR and licence plate cameras speaking the `OCR,…` line protocol (see `OCRLine`): one
/// `ocr` reading per read. Bad lines are counted (garbage, malformed, checksum) and archived.
public struct OCRDriver: LineDriver {
    public let rawFormat = "ocr-lines"
    public internal(set) var counters = DecodeCounters()

    private var options: DriverOptions
    var framer: LineFramer

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
        framer = LineFramer(maxLineBytes: options.maxFrameBytes)
    }

    public mutating func reconfigure(_ options: DriverOptions) {
        self.options = options
        framer.limit(maxLineBytes: options.maxFrameBytes)
    }



    mutating func handle(_ output: LineFramer.Output, receivedAt: Date, into steps: inout [DriverStep]) {
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
