import Foundation
import HubDevices
import HubModel

/// One link's decoding state: the feed decoder and the counters already reported, so each delivery
/// carries only what is new. Kept across reconnects, so an occupancy survives a brief loss.
package struct DeviceSession: Sendable {
    package let deviceID: String
    package private(set) var decoder: FeedDecoder
    private var reported = DecodeCounters()
    /// Rejected frames when the link last yielded a reading.
    private var rejectsAtLastReading = 0

    /// Frames rejected since the last reading: what a client that sends only noise piles up.
    package var rejectsSinceReading: Int { decoder.counters.rejectedTotal - rejectsAtLastReading }

    package init?(device: DeviceInstance, ids: EventIDGenerator, admission: UnitAdmissions.Rule? = nil) {
        guard let d = FeedDecoder(device: device, ids: ids, admission: admission) else { return nil }
        deviceID = device.id
        decoder = d
    }

    /// Takes `device`'s new settings without losing what the decoder holds (see
    /// `FeedDecoder.reconfigure`); false when its protocol changed.
    package mutating func reconfigure(for device: DeviceInstance) -> Bool { decoder.reconfigure(for: device) }

    /// Decodes, stores, and returns the replies to write back, or nil when the store did not take
    /// the batch (nothing may then be acknowledged to the device).
    package mutating func receive(_ bytes: ArraySlice<UInt8>, sink: IngestSink, at now: Date = Date()) async -> [[UInt8]]? {
        let batch = decoder.push(bytes, receivedAt: now)
        let replies = decoder.takeReplies()
        let counted = decoder.counters.since(reported)
        reported = decoder.counters
        if counted.readings > 0 { rejectsAtLastReading = decoder.counters.rejectedTotal }
        guard await sink.deliver(deviceID: deviceID, batch: batch, counted: counted, at: now) else { return nil }
        return replies
    }

    /// What a connection looks at after each delivery.
    package struct AfterDelivery: Sendable {
        /// Answers to the hub's commands read (taken: handed on once).
        package var answers: [UnitAnswer]
        /// Bytes the decoder holds for an unfinished frame.
        package var pendingBytes: Int
        /// The unit the link named and the verdict on it.
        package var unit: UnitLogin?
        /// Frames decoded on the link so far.
        package var frames: Int
        package var rejectsSinceReading: Int
    }

    /// Takes the answers read and reports the rest, in one call on the session where it lies: a
    /// transport holding the session in a class that read each of these through `decoder` copied
    /// the whole decoder each time (1 % of the hub's CPU under the seal load).
    package mutating func takeAfterDelivery() -> AfterDelivery {
        AfterDelivery(
            answers: decoder.takeAnswers(), pendingBytes: decoder.pendingBytes, unit: decoder.unit,
            frames: decoder.counters.frames, rejectsSinceReading: rejectsSinceReading)
    }

    /// A whole document (a dropped file): decoded to its end in one batch, with what was counted.
    package mutating func decodeWhole(_ bytes: [UInt8], at now: Date = Date()) -> (IngestBatch, DecodeCounters) {
        var batch = decoder.push(bytes[...], receivedAt: now)
        batch.append(decoder.finish(receivedAt: now))
        _ = decoder.takeReplies()
        let counted = decoder.counters.since(reported)
        reported = decoder.counters
        return (batch, counted)
    }

    /// The link ended: decodes a trailing partial frame and archives what is still pending.
    package mutating func end(sink: IngestSink, at now: Date = Date()) async {
        let batch = decoder.finish(receivedAt: now)
        _ = decoder.takeReplies()
        let counted = decoder.counters.since(reported)
        reported = decoder.counters
        await sink.deliver(deviceID: deviceID, batch: batch, counted: counted, at: now)
    }
}
