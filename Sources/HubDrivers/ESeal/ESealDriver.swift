import Foundation
import HubModel

/// ASCII e-seals (`##S,eSeal,…,E##`, see `ESealMessage`) over TCP. Each report becomes a `seal.status`
/// reading for its event, and a `gps.fix` when it carries a position; heartbeats become tracker status.
/// Every well-formed report is acknowledged.
public struct ESealDriver: DeviceDriver {
    public let rawFormat = "eseal-ascii"
    public var counters: DecodeCounters { stream.counters }
    public var pendingBytes: Int { stream.pendingBytes }
    public var unit: UnitLogin? { stream.unit }

    private var stream: FramedStream<ESealSession>

    public init(options: DriverOptions = DriverOptions()) {
        // A report is under 128 bytes; the profile's limit bounds how long a broken one is waited for.
        stream = FramedStream(ESealSession(options: options), maxFrameBytes: min(max(options.maxFrameBytes, 128), 4096))
    }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        stream.push(bytes, into: &steps)
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) { stream.finish(into: &steps) }

    /// New settings; the unit's login and its verdict stay those of the login itself.
    public mutating func reconfigure(_ options: DriverOptions) {
        stream.reconfigure(maxFrameBytes: min(max(options.maxFrameBytes, 128), 4096)) { $0.options = options }
    }
}
