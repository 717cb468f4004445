/// What one push of device bytes produced: raw records to archive and the events derived from them.
///
/// Stores write a batch atomically, records first, so an event never points at bytes that are not kept.
public struct IngestBatch: Sendable, Equatable {
    public var records: [RawRecord]
    public var events: [InspectionEvent]
    /// Files this batch finishes (file-drop devices): written in the same transaction, so a file is
    /// either wholly ingested and marked, or neither.
    public var files: [IngestedFile]
    /// Set when this batch, or one it was merged into, was tried before and the outcome of that try is
    /// unknown (the connection broke around COMMIT). A store that can lose a commit's answer then
    /// keeps only what it does not already hold, so a retry never stores an event twice. Not part of
    /// a batch's identity (`==`).
    public var retried = false
    /// The leases the batch was concluded under (a correlation stage's results): a store shared by
    /// several hubs stores it only while each is still held at its epoch, so a replica that lost
    /// its lease (paused, cut off) cannot store what the new owner concludes too. Not part of `==`.
    public var fences: [Fence] = []

    public init(records: [RawRecord] = [], events: [InspectionEvent] = [], files: [IngestedFile] = []) {
        self.records = records
        self.events = events
        self.files = files
    }

    public var isEmpty: Bool { records.isEmpty && events.isEmpty && files.isEmpty }

    public mutating func append(_ other: IngestBatch) {
        records += other.records
        events += other.events
        files += other.files
        retried = retried || other.retried
        for f in other.fences where !fences.contains(f) { fences.append(f) }
    }

    public static func == (a: IngestBatch, b: IngestBatch) -> Bool {
        a.records == b.records && a.events == b.events && a.files == b.files
    }
}

/// A lease held at an epoch: what a batch concluded under it is stored only while it still is.
public struct Fence: Sendable, Hashable, CustomStringConvertible {
    public var lease: String
    public var owner: String
    public var epoch: Int64

    public init(lease: String, owner: String, epoch: Int64) {
        self.lease = lease
        self.owner = owner
        self.epoch = epoch
    }

    public var description: String { "\(lease) held by \(owner) at epoch \(epoch)" }
}

/// A dropped file the hub has taken in, so that it is processed exactly once across restarts.
public struct IngestedFile: Sendable, Equatable {
    public var deviceID: String
    public var name: String
    public var sha256: String
    public var size: Int
    /// `processed` or `quarantined`.
    public var outcome: String
    public var reason: String?

    public init(deviceID: String, name: String, sha256: String, size: Int, outcome: String, reason: String? = nil) {
        self.deviceID = deviceID
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.outcome = outcome
        self.reason = reason
    }
}
