/// What a driver did with the bytes it was given: the numbers operators read when a device misbehaves.
public struct DecodeCounters: Sendable, Equatable, Codable {
    /// Why a frame produced no reading.
    public enum Reject: String, Sendable, Codable, CaseIterable {
        /// Not the device's framing at all (noise, wrong baud rate, another protocol).
        case garbage
        /// A frame longer than the profile allows; its head is archived, the rest dropped.
        case overlong
        /// The right framing but fields that do not parse for its code.
        case malformed
        /// A frame whose checksum or CRC does not match.
        case checksum
        /// A unit the allowlist does not name (its login was refused), and what it sent after.
        case refused
        /// A unit kept in quarantine: archived, answered, but not turned into readings.
        case quarantined
    }

    public var bytes: Int = 0
    public var frames: Int = 0
    public var readings: Int = 0
    public var rejected: [String: Int] = [:]
    /// Well-formed frames of a code this driver does not interpret; kept in the raw archive.
    public var unknownCodes: [String: Int] = [:]
    /// Whole frames of another protocol sharing the link, recognised by their length and checksum and
    /// passed over (NMEA: `ubx`, `rtcm3`); not archived.
    public var skippedFrames: [String: Int] = [:]
    /// Bytes read past in no frame: noise before a frame's start, a binary frame whose checksum failed.
    public var skippedBytes: Int = 0

    /// Distinct unknown codes tracked by name; the rest are pooled under `other` so a device
    /// spewing random codes cannot grow this without bound.
    public static let maxDistinctUnknownCodes = 64

    public init() {}

    /// Counters written before `skippedFrames` and `skippedBytes` existed read as zero for them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bytes = try c.decode(Int.self, forKey: .bytes)
        frames = try c.decode(Int.self, forKey: .frames)
        readings = try c.decode(Int.self, forKey: .readings)
        rejected = try c.decode([String: Int].self, forKey: .rejected)
        unknownCodes = try c.decode([String: Int].self, forKey: .unknownCodes)
        skippedFrames = try c.decodeIfPresent([String: Int].self, forKey: .skippedFrames) ?? [:]
        skippedBytes = try c.decodeIfPresent(Int.self, forKey: .skippedBytes) ?? 0
    }

    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
    public var unknownTotal: Int { unknownCodes.values.reduce(0, +) }
    public var skippedFramesTotal: Int { skippedFrames.values.reduce(0, +) }

    public mutating func reject(_ reason: Reject) { rejected[reason.rawValue, default: 0] += 1 }

    public mutating func unknown(_ code: String) {
        // One hash of the code for the common case, a code already counted (every GSV of a receiver).
        if let i = unknownCodes.index(forKey: code) {
            unknownCodes.values[i] += 1
        } else if unknownCodes.count < Self.maxDistinctUnknownCodes {
            unknownCodes[code] = 1
        } else {
            unknownCodes["other", default: 0] += 1
        }
    }

    /// What was counted since `earlier` (a snapshot of the same counters).
    public func since(_ earlier: DecodeCounters) -> DecodeCounters {
        var d = DecodeCounters()
        d.bytes = bytes - earlier.bytes
        d.frames = frames - earlier.frames
        d.readings = readings - earlier.readings
        for (k, v) in rejected where v != earlier.rejected[k] { d.rejected[k] = v - (earlier.rejected[k] ?? 0) }
        for (k, v) in unknownCodes where v != earlier.unknownCodes[k] {
            d.unknownCodes[k] = v - (earlier.unknownCodes[k] ?? 0)
        }
        for (k, v) in skippedFrames where v != earlier.skippedFrames[k] {
            d.skippedFrames[k] = v - (earlier.skippedFrames[k] ?? 0)
        }
        d.skippedBytes = skippedBytes - earlier.skippedBytes
        return d
    }

    /// Adds another driver's counters (a reconnect starts a fresh driver; the device keeps its totals).
    public mutating func add(_ other: DecodeCounters) {
        bytes += other.bytes
        frames += other.frames
        readings += other.readings
        for (k, v) in other.rejected { rejected[k, default: 0] += v }
        for (k, v) in other.unknownCodes { unknownCodes[k, default: 0] += v }
        for (k, v) in other.skippedFrames { skippedFrames[k, default: 0] += v }
        skippedBytes += other.skippedBytes
    }
}
