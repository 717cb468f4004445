import Foundation
import HubModel

/// A driver of a line protocol (portal monitor lines, OCR): the framing loop is the same for
/// every one, so it lives here; a driver says only what one line means.
protocol LineDriver: DeviceDriver {
    var framer: LineFramer { get set }
    var counters: DecodeCounters { get set }
    /// One framed line (or an over-long one's head).
    mutating func handle(_ output: LineFramer.Output, receivedAt: Date, into steps: inout [DriverStep])
}

extension LineDriver {
    public var pendingBytes: Int { framer.pendingCount }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var framer = self.framer
        framer.push(bytes) { handle($0, receivedAt: receivedAt, into: &steps) }
        self.framer = framer
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        var framer = self.framer
        framer.finish { handle($0, receivedAt: receivedAt, into: &steps) }
        self.framer = framer
    }
}
