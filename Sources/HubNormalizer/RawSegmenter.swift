import Crypto
import Foundation
import HubModel

/// Groups a device's frames into raw archive records: each reading's record holds exactly the frames
/// it came from, and frames that yield no reading are flushed once they reach `maxPendingBytes`, so
/// every byte a device sends is archived and memory stays bounded.
public struct RawSegmenter: Sendable {
    public let format: String
    public let deviceID: String
    public let maxPendingBytes: Int

    private var pending: [UInt8] = []
    /// The most buffer capacity kept between runs.
    static let keptCapacity = 16 * 1024
    private var pendingFrames = 0
    private var firstAt: Date?
    private var lastAt: Date?
    /// Where the most recent frame starts in `pending`, while it is there.
    private var lastFrameStart: Int?
    /// The most recent frame once its run was closed: a slice of that record's bytes when the
    /// record is small (no copy per frame, and little held), else a copy of the frame alone.
    private var closedLastFrame: ArraySlice<UInt8> = []
    /// Closed runs up to this many bytes lend their tail as the last frame; a larger one has its
    /// last frame copied out, so a link never holds more than this of a stored record.
    public static let lentRecordBytes = 4096

    public init(format: String, deviceID: String, maxPendingBytes: Int = 256 * 1024) {
        self.format = format
        self.deviceID = deviceID
        self.maxPendingBytes = maxPendingBytes
    }

    /// Adds a frame; returns a record when the run had grown too large and was flushed first.
    public mutating func append(_ frame: [UInt8], receivedAt: Date) -> RawRecord? {
        append(frame[...], receivedAt: receivedAt)
    }

    /// Adds a frame (its bytes are copied into the run); returns a record when the run had grown
    /// too large and was flushed first.
    public mutating func append(_ frame: ArraySlice<UInt8>, receivedAt: Date) -> RawRecord? {
        var flushed: RawRecord?
        if pending.count + frame.count > maxPendingBytes, !pending.isEmpty { flushed = closeSegment() }
        if firstAt == nil { firstAt = receivedAt }
        lastAt = receivedAt
        lastFrameStart = pending.count
        pending += frame
        pendingFrames += 1
        return flushed
    }

    /// The run of frames since the last segment, closed into one record (nil if empty).
    public mutating func closeSegment() -> RawRecord? {
        guard !pending.isEmpty, let first = firstAt, let last = lastAt else { return nil }
        // The record gets an exact-size copy and `pending` keeps its own buffer: handing over the
        // buffer itself would make every record carry the spare capacity of the longest run the
        // link ever had, multiplying what a backlog of stored-but-uncommitted records costs.
        let bytes = [UInt8](unsafeUninitializedCapacity: pending.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: pending)
        }
        if let start = lastFrameStart {
            closedLastFrame = bytes.count <= Self.lentRecordBytes ? bytes[start...] : Array(bytes[start...])[...]
            lastFrameStart = nil
        }
        let record = Self.record(bytes, format: format, deviceID: deviceID, first: first, last: last, frames: pendingFrames)
        // A rare long run must not hold its buffer for the rest of the link's life.
        pending.removeAll(keepingCapacity: pending.capacity <= Self.keptCapacity)
        pendingFrames = 0
        firstAt = nil
        return record
    }

    /// A record of only the most recent frame, leaving the open run as it is.
    public func lastFrameRecord() -> RawRecord? {
        let frame = lastFrameStart.map { pending[$0...] } ?? closedLastFrame
        guard !frame.isEmpty, let last = lastAt else { return nil }
        return Self.record(Array(frame), format: format, deviceID: deviceID, first: last, last: last, frames: 1)
    }

    private static func record(_ bytes: [UInt8], format: String, deviceID: String, first: Date, last: Date, frames: Int)
        -> RawRecord
    {
        RawRecord(
            sha256: SHA256.hash(data: bytes).withUnsafeBytes { Hex.encode($0) }, format: format, deviceID: deviceID,
            firstReceivedAt: first, receivedAt: last,
            frameCount: frames, bytes: bytes)
    }
}
