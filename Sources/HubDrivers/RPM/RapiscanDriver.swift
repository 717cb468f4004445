import Foundation
import HubModel

/// The Rapiscan-style portal monitor protocol: CSV lines ended by CR LF, no checksum.
///
/// Garbage and over-long lines are counted and archived (their head, for an over-long one); codes
/// the occupancy machine does not interpret are counted by code and archived, never dropped silently.
public struct RapiscanDriver: LineDriver {
    public let rawFormat = "rapiscan-lines"
    public internal(set) var counters = DecodeCounters()

    private var options: DriverOptions
    var framer: LineFramer
    private var machine: RapiscanOccupancyMachine

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
        framer = LineFramer(maxLineBytes: options.maxFrameBytes)
        machine = RapiscanOccupancyMachine(options: options)
    }

    public mutating func reconfigure(_ options: DriverOptions) {
        self.options = options
        framer.limit(maxLineBytes: options.maxFrameBytes)
        machine.reconfigure(options)
    }



    mutating func handle(_ output: LineFramer.Output, receivedAt: Date, into steps: inout [DriverStep]) {
        guard let content = output.archive(counters: &counters, steps: &steps) else { return }
        guard let line = RapiscanLine.parse(content, utcOffsetSeconds: options.utcOffsetSeconds) else {
            counters.reject(.garbage)
            return
        }
        guard RapiscanOccupancyMachine.interprets(line.code) else {
            counters.unknown(line.code)
            return
        }
        guard let outputs = machine.handle(line, at: line.timestamp ?? receivedAt) else {
            counters.reject(.malformed)
            return
        }
        for o in outputs {
            steps.append(.reading(.radiationPortal(o.reading), o.span))
            counters.readings += 1
        }
    }
}
