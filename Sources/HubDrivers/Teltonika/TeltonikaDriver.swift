import Foundation
import HubModel

/// Teltonika trackers (FMB/FMC/FMM series) over TCP: an IMEI handshake, then AVL data packets in codec
/// 8, 8 Extended or 16. The handshake is answered `01` (accepted) or `00` (not on the allowlist); each
/// data packet whose CRC matches is acknowledged with its record count. Times are UTC.
///
/// Captures often hold data packets without the handshake; they are still decoded, for an unnamed unit.
/// A packet with a bad CRC is counted as `checksum`, gives no position and is not acknowledged, so the
/// unit sends it again. Codec 12 responses are answers to the hub's commands (`TeltonikaCommands`);
/// other codecs (13, 14) are counted by codec and archived.
public struct TeltonikaDriver: DeviceDriver {
    public let rawFormat = "teltonika-tcp"
    public var counters: DecodeCounters { stream.counters }
    public var pendingBytes: Int { stream.pendingBytes }
    public var unit: UnitLogin? { stream.unit }

    /// A full codec 8E packet from an FMB unit stays under this; a profile may allow more, not less.
    public static let minimumFrameLimit = 4096

    private var stream: FramedStream<TeltonikaSession>

    public init(options: DriverOptions = DriverOptions()) {
        stream = FramedStream(
            TeltonikaSession(options: options), maxFrameBytes: max(options.maxFrameBytes, Self.minimumFrameLimit))
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
