import Foundation
import HubModel

/// One protocol family's decoder: bytes in, frames and readings out. Pure: no I/O, and no clock but
/// the receive time it is handed, so the same bytes always decode the same way.
public protocol DeviceDriver: Sendable {
    /// How the frames this driver cuts are laid out in the raw archive (`RawRef.format`).
    var rawFormat: String { get }
    /// What the driver has done so far.
    var counters: DecodeCounters { get }
    /// Bytes held for an unfinished frame (or unreported noise); bounded by the driver's frame limit,
    /// so a device that never finishes a frame cannot grow it.
    var pendingBytes: Int { get }
    /// Feeds bytes as they arrive; appends every complete frame, and the readings it yields, to `steps`.
    mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep])
    /// The input has ended (port closed, end of file): decodes what is left of a partial frame.
    mutating func finish(receivedAt: Date, into steps: inout [DriverStep])
    /// Takes new settings (a configuration reload) without losing what the stream holds so far: a
    /// partial frame, an open occupancy, a unit's login. Later bytes are decoded under `options`.
    mutating func reconfigure(_ options: DriverOptions)
    /// The unit the stream last named (a login's IMEI, a seal's id) and the verdict on it; nil for
    /// devices that do not name themselves.
    var unit: UnitLogin? { get }
}

extension DeviceDriver {
    public var unit: UnitLogin? { nil }
}

/// What a driver hands on, in stream order.
public enum DriverStep: Sendable, Equatable {
    /// The exact bytes of one frame (terminator included), for the raw archive. A slice, so a driver
    /// can hand on a frame that lies whole in the bytes it was given without copying it out; the
    /// archive copies what it keeps.
    case frame(ArraySlice<UInt8>)
    /// A reading, and which archived bytes it was derived from. Boxed: a reading is far larger than
    /// a frame's slice, and every step (one per frame, most of them frames) would otherwise be its size.
    indirect case reading(DeviceReading, RawSpan)
    /// Bytes the device expects back (an acknowledgement); the transport writes them, and only
    /// after the readings before it are stored.
    case reply([UInt8])
    /// A unit's answer to a command the hub sent it; the transport hands it to whoever sent the command.
    case answer(UnitAnswer)
}

/// Which archived bytes a reading came from.
public enum RawSpan: Sendable, Equatable {
    /// Every frame since the previous `.segment` reading, this one's included: it closes that run.
    case segment
    /// Only the frame that triggered it (an early alarm inside a still-open occupancy).
    case lastFrame
    /// The same archived bytes as the reading before it: one frame (an N42 document, a scan result)
    /// that yields many readings is archived once.
    case previous
}

/// Settings a profile may give a driver.
public struct DriverOptions: Sendable, Equatable {
    public var maxFrameBytes: Int = 512
    /// How often to summarize background while the lane is empty.
    public var backgroundIntervalS: Double = 60
    /// How often to repeat a persisting fault.
    public var faultRepeatIntervalS: Double = 60
    /// Length of one occupancy sample, which turns counts into counts per second.
    public var gammaSampleIntervalS: Double = 0.2
    public var neutronSampleIntervalS: Double = 1.0
    /// Device time zone, for feeds whose timestamps carry none (seconds east of UTC).
    public var utcOffsetSeconds: Int = 0
    /// Tracker units (IMEIs, seal ids) allowed to log in; nil accepts every unit. A refused unit gets
    /// the protocol's refusal (Teltonika `0x00`) or no login ack (GT06), and nothing it sends is decoded.
    public var allowedUnitIDs: Set<String>? = nil
    /// Units refused whatever the list says (an admin denied them).
    public var deniedUnitIDs: Set<String> = []
    /// A unit the list does not name is quarantined (answered, archived, counted, not decoded into
    /// readings) instead of refused.
    public var quarantineUnknownUnits = false
    /// The line protocol a profile describes (`line:`), for the `declarative-line` driver; nil
    /// reads that driver's standard trace line.
    public var lineSchema: LineSchema? = nil

    public init() {}

    /// Whether `unit` may log in under the allowlist.
    public func allows(unit: String) -> Bool { admission(of: unit) == .admitted }

    /// What becomes of `unit` when it names itself.
    public func admission(of unit: String) -> UnitVerdict {
        if deniedUnitIDs.contains(unit) { return .refused }
        if allowedUnitIDs?.contains(unit) ?? true { return .admitted }
        return quarantineUnknownUnits ? .quarantined : .refused
    }

    /// Whether a unit may send data before naming itself: only when any unit is admitted, since a
    /// unit that skips its login must not slip past a list.
    public var admitsUnnamedUnits: Bool { allowedUnitIDs == nil && deniedUnitIDs.isEmpty }
}

/// How `niihub decode` reads a captured file for a protocol.
public enum CaptureFormat: Sendable, Equatable {
    /// The bytes as the device sent them.
    case bytes
    /// One frame per line, written as hex digits (binary protocols, as captures are published).
    case hexLines
}

/// The drivers the hub knows, by the protocol names of `niihub decode --protocol` and the profiles:
/// every protocol of every registered family (`DeviceFamilies.all`), in registration order.
public enum DriverCatalog {
    /// One protocol's entry: its device family, how captures of it are written, and its driver.
    public typealias Entry = DeviceProtocol

    /// Every protocol with a driver. A new family registers in `DeviceFamilies.all`, not here.
    public static let entries: [Entry] = DeviceFamilies.all.flatMap(\.protocols)

    /// Protocol names with a driver, each with its family (what a profile speaking it must name).
    public static let protocols = KnownProtocols(entries.map { (name: $0.name, family: $0.family) })

    public static func entry(_ protocolName: String) -> Entry? { entries.first { $0.name == protocolName } }

    /// A fresh driver for `protocolName`, or nil when there is none.
    public static func make(_ protocolName: String, options: DriverOptions = DriverOptions()) -> (any DeviceDriver)? {
        entry(protocolName)?.make(options)
    }

    /// The device family a protocol belongs to (`DeviceRef.family`).
    public static func family(of protocolName: String) -> String? { entry(protocolName)?.family }
}
