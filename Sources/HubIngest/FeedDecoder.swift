import Foundation
import HubDevices
import HubDrivers
import HubModel
import HubNormalizer

/// One device's bytes all the way to events: its driver cuts and decodes frames, the segmenter
/// archives every frame, and the normalizer makes each reading an inspection event that points at
/// the raw record it came from. `niihub decode` and the live hub use this same path.
public struct FeedDecoder: Sendable {
    private var driver: any DeviceDriver
    private var segmenter: RawSegmenter
    private var normalizer: Normalizer
    private let ids: EventIDGenerator
    /// The protocol the driver speaks.
    public let protocolName: String
    private var steps: [DriverStep] = []
    /// The record the last reading pointed at, for readings that share it (`RawSpan.previous`).
    private var lastRef: RawRef?

    /// A decoder for `protocolName`, or nil when the hub has no driver for it.
    public init?(
        protocolName: String, context: DeviceContext, options: DriverOptions = DriverOptions(), ids: EventIDGenerator
    ) {
        guard let driver = DriverCatalog.make(protocolName, options: options) else { return nil }
        self.driver = driver
        segmenter = RawSegmenter(format: driver.rawFormat, deviceID: context.device.id)
        normalizer = Normalizer(context: context, ids: ids)
        self.ids = ids
        self.protocolName = protocolName
    }

    /// A decoder for a configured device; `admission` (a listener's rule for this connection)
    /// replaces the site entry's own list.
    public init?(device: DeviceInstance, ids: EventIDGenerator, admission: UnitAdmissions.Rule? = nil) {
        self.init(
            protocolName: device.profile.protocol, context: Self.context(of: device),
            options: Self.options(of: device, admission: admission), ids: ids)
    }

    /// The same decoder under `device`'s new settings (a reload that changed its profile, lane or
    /// thresholds, not its protocol): the driver keeps what it holds (a partial frame, an open
    /// occupancy), frames waiting for their reading stay in the segment, and later readings become
    /// events under the new context.
    /// Returns false, changing nothing, when `device` speaks another protocol.
    public mutating func reconfigure(for device: DeviceInstance) -> Bool {
        guard device.profile.protocol == protocolName else { return false }
        driver.reconfigure(Self.options(of: device, admission: nil))
        normalizer = Normalizer(context: Self.context(of: device), ids: ids)
        return true
    }

    private static func context(of device: DeviceInstance) -> DeviceContext {
        DeviceContext(
            device: DeviceRef(id: device.id, profile: device.profile.model, family: device.profile.family),
            site: device.site, lane: device.lane, thresholds: device.profile.thresholds)
    }

    private static func options(of device: DeviceInstance, admission: UnitAdmissions.Rule?) -> DriverOptions {
        var options = DriverOptions(device)
        if let admission {
            options.allowedUnitIDs = admission.admitted
            options.deniedUnitIDs = admission.denied
            options.quarantineUnknownUnits = admission.quarantine
        }
        return options
    }

    /// The driver's counters so far.
    public var counters: DecodeCounters { driver.counters }

    /// Bytes the driver holds for an unfinished frame.
    public var pendingBytes: Int { driver.pendingBytes }
    /// The unit the feed named and the verdict on it (trackers and seals that log in).
    public var unit: UnitLogin? { driver.unit }

    /// Replies the driver produced since the last call (acks to write back to the device), in order.
    public private(set) var replies: [[UInt8]] = []

    /// Answers to the hub's commands read since they were last taken.
    public private(set) var answers: [UnitAnswer] = []

    /// Takes the answers to commands read so far.
    public mutating func takeAnswers() -> [UnitAnswer] {
        defer { answers = [] }
        return answers
    }

    /// Takes the pending replies.
    public mutating func takeReplies() -> [[UInt8]] {
        defer { replies = [] }
        return replies
    }

    /// Decodes bytes received at `receivedAt`.
    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date) -> IngestBatch {
        // One large read must not leave its step list's capacity behind for the link's life, but a
        // feed whose reads are all large (a capture being decoded, a busy listener) keeps it rather
        // than growing the list again on every read: it is kept while the last read filled a quarter.
        steps.removeAll(keepingCapacity: steps.capacity <= 256 || steps.count * 4 >= steps.capacity)
        driver.push(bytes, receivedAt: receivedAt, into: &steps)
        return collect(receivedAt: receivedAt)
    }

    /// The input ended (port lost, file read): decodes a trailing partial frame and archives
    /// whatever frames are still waiting for a reading.
    public mutating func finish(receivedAt: Date) -> IngestBatch {
        steps.removeAll(keepingCapacity: true)
        driver.finish(receivedAt: receivedAt, into: &steps)
        var batch = collect(receivedAt: receivedAt)
        if let rest = segmenter.closeSegment() { batch.records.append(rest) }
        return batch
    }

    private mutating func collect(receivedAt: Date) -> IngestBatch {
        var batch = IngestBatch()
        for step in steps {
            switch step {
            case .frame(let bytes):
                if let flushed = segmenter.append(bytes, receivedAt: receivedAt) { batch.records.append(flushed) }
            case .reading(let reading, .previous):
                guard let ref = lastRef else { continue }
                batch.events.append(normalizer.event(for: reading, raw: ref, receivedAt: receivedAt))
            case .reading(let reading, let span):
                let record = span == .segment ? segmenter.closeSegment() : segmenter.lastFrameRecord()
                // A driver reports a reading only after the frame it came from, so a record exists.
                guard let record else { continue }
                batch.records.append(record)
                lastRef = record.ref
                batch.events.append(normalizer.event(for: reading, raw: record.ref, receivedAt: receivedAt))
            case .reply(let bytes):
                replies.append(bytes)
            case .answer(let a):
                answers.append(a)
            }
        }
        return batch
    }
}

extension DriverOptions {
    /// The driver settings a device's profile and site entry give.
    public init(_ device: DeviceInstance) {
        self.init()
        let p = device.profile
        maxFrameBytes = p.framing.maxFrameBytes
        backgroundIntervalS = p.reporting.backgroundIntervalS
        faultRepeatIntervalS = p.reporting.faultRepeatIntervalS
        gammaSampleIntervalS = p.reporting.gammaSampleIntervalS
        neutronSampleIntervalS = p.reporting.neutronSampleIntervalS
        utcOffsetSeconds = device.utcOffsetSeconds
        allowedUnitIDs = device.allowedUnits.map(Set.init)
        lineSchema = p.line
    }
}
