import Crypto
import HubModel

/// A 32-byte link value of the archive's hash chain.
///
/// Each stored row carries `chain = SHA-256(previous chain ‖ canonical encoding of the row)`, so a
/// row cannot be changed, removed or reordered without every later link disagreeing. The first row
/// of a table follows `genesis` (32 zero bytes). Store-neutral: SQLite and PostgreSQL stores keep the
/// same values and verify them the same way.
public struct ChainHash: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The value before the first row.
    public static let genesis = ChainHash(unchecked: [UInt8](repeating: 0, count: 32))

    /// A stored value; nil unless exactly 32 bytes.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The link after `previous` for a row whose canonical encoding is `canonical`.
    public static func next(after previous: ChainHash, _ canonical: [UInt8]) -> ChainHash {
        var h = SHA256()
        h.update(data: previous.bytes)
        h.update(data: canonical)
        return ChainHash(unchecked: Array(h.finalize()))
    }

    /// Lower-case hex.
    public var hex: String { Self.hex(bytes) }

    public var description: String { hex }

    /// Lower-case hex of any bytes (digests in reports).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String { Hex.encode(bytes) }

    /// SHA-256 of `bytes` (an event body's hash, a raw record's check).
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }
}

/// The fields of a raw archive record the chain commits to. The bytes are committed through their
/// SHA-256 (`niihub verify` checks separately that the bytes still hash to it), so a link costs the
/// same for a 10-byte frame as for a 10 MB scan.
public struct RawRecordLink: Sendable, Equatable {
    public var seq: Int64
    /// Hex SHA-256 of the bytes, as stored.
    public var sha256: String
    public var format: String
    public var deviceID: String
    /// RFC 3339 text as `Timestamp.format` writes it (millisecond precision, `Z`).
    public var firstReceivedAt: String
    public var receivedAt: String
    public var frameCount: Int64

    public init(
        seq: Int64, sha256: String, format: String, deviceID: String, firstReceivedAt: String, receivedAt: String,
        frameCount: Int64
    ) {
        self.seq = seq
        self.sha256 = sha256
        self.format = format
        self.deviceID = deviceID
        self.firstReceivedAt = firstReceivedAt
        self.receivedAt = receivedAt
        self.frameCount = frameCount
    }

    /// Tag, then each field length-prefixed, so no two records share an encoding.
    public var canonical: [UInt8] {
        var e = CanonicalEncoding(tag: "niihub.raw/1")
        e.int(seq)
        e.text(sha256)
        e.text(format)
        e.text(deviceID)
        e.text(firstReceivedAt)
        e.text(receivedAt)
        e.int(frameCount)
        return e.bytes
    }
}

/// The fields of a stored event the chain commits to: its columns and the SHA-256 of its JSON body,
/// so a changed body or a changed filter column breaks the link.
public struct EventLink: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var kind: String
    public var deviceID: String
    public var site: String?
    public var lane: String?
    public var severity: String
    /// RFC 3339 text as `Timestamp.format` writes it.
    public var observedAt: String
    public var receivedAt: String
    public var rawSHA256: String
    /// SHA-256 of the body's UTF-8 bytes.
    public var bodySHA256: [UInt8]

    public init(
        seq: Int64, id: String, kind: String, deviceID: String, site: String?, lane: String?, severity: String,
        observedAt: String, receivedAt: String, rawSHA256: String, bodySHA256: [UInt8]
    ) {
        self.seq = seq
        self.id = id
        self.kind = kind
        self.deviceID = deviceID
        self.site = site
        self.lane = lane
        self.severity = severity
        self.observedAt = observedAt
        self.receivedAt = receivedAt
        self.rawSHA256 = rawSHA256
        self.bodySHA256 = bodySHA256
    }

    public var canonical: [UInt8] {
        var e = CanonicalEncoding(tag: "niihub.event/1")
        e.int(seq)
        e.text(id)
        e.text(kind)
        e.text(deviceID)
        e.optional(site)
        e.optional(lane)
        e.text(severity)
        e.text(observedAt)
        e.text(receivedAt)
        e.text(rawSHA256)
        e.blob(bodySHA256)
        return e.bytes
    }
}

/// Big-endian integers and length-prefixed byte strings after a version tag.
struct CanonicalEncoding {
    private(set) var bytes: [UInt8] = []

    init(tag: String) { text(tag) }

    mutating func int(_ v: Int64) {
        let u = UInt64(bitPattern: v)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: u >> UInt64(shift))) }
    }

    mutating func blob(_ b: [UInt8]) {
        int(Int64(b.count))
        bytes += b
    }

    mutating func text(_ s: String) { blob(Array(s.utf8)) }

    /// Absent and empty differ: a presence byte first.
    mutating func optional(_ s: String?) {
        if let s {
            bytes.append(1)
            text(s)
        } else {
            bytes.append(0)
        }
    }
}
