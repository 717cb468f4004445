import Foundation
import HubModel

/// GT06/Concox GPS trackers and the tracking e-seals built on them, over TCP.
///
/// A connection starts with a login (0x01) naming the unit by IMEI; the unit then sends locations
/// (0x10, 0x11, 0x12, 0x22), heartbeats (0x13) and alarms (0x16, 0x26). Login, heartbeat and alarm
/// frames are acknowledged. Times are the unit's local time (`DriverOptions.utcOffsetSeconds`). Frames
/// whose CRC does not match are counted as `checksum` and give nothing; other protocol numbers are
/// counted by number and archived.
public struct GT06Driver: DeviceDriver {
    public let rawFormat = "gt06-frames"
    public var counters: DecodeCounters { stream.counters }
    public var pendingBytes: Int { stream.pendingBytes }
    public var unit: UnitLogin? { stream.unit }

    /// Long `79 79` packets stay well under this; a profile may allow more, not less.
    public static let minimumFrameLimit = 1024

    private var stream: FramedStream<GT06Session>

    public init(options: DriverOptions = DriverOptions()) {
        stream = FramedStream(GT06Session(options: options), maxFrameBytes: max(options.maxFrameBytes, Self.minimumFrameLimit))
    }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        stream.push(bytes, into: &steps)
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) { stream.finish(into: &steps) }

    /// New settings; the unit's login and its verdict stay those of the login itself.
    public mutating func reconfigure(_ options: DriverOptions) {
        stream.reconfigure(maxFrameBytes: max(options.maxFrameBytes, Self.minimumFrameLimit)) { $0.options = options }
    }
}
