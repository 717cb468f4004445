import Foundation
import HubModel

/// Where events and raw records are kept. Append-only: nothing written is changed or removed by
/// ingest or the API.
public protocol EventStore: Sendable {
    /// Writes a batch in one transaction; when this returns the batch survives a crash.
    func append(_ batch: IngestBatch) async throws
    /// Events matching `query`, in arrival order (or newest first), one page at a time.
    func events(_ query: EventQuery) async throws -> EventPage
    /// One event by id.
    func event(id: String) async throws -> InspectionEvent?
    /// The events with these ids (those that exist, in id order), in one read where the store can.
    func events(ids: [String]) async throws -> [InspectionEvent]
    /// The same without the events of `excludingKinds`, which a store that can leaves unread.
    func events(ids: [String], excludingKinds: Set<String>) async throws -> [InspectionEvent]
    /// The raw records with this hash (normally one).
    func rawRecords(sha256: String) async throws -> [RawRecord]
    /// The hash-chain proof of the first raw record with this hash (lowest seq).
    func rawChainProof(sha256: String) async throws -> RawChainLookup
    /// How many events and raw records are stored.
    func counts() async throws -> StoreCounts
    /// The record of a dropped file already taken in (by device, name and content), if any.
    func ingestedFile(deviceID: String, name: String, sha256: String) async throws -> IngestedFile?
}

extension EventStore {
    /// One `event(id:)` per id, for stores without a batched read.
    public func events(ids: [String]) async throws -> [InspectionEvent] {
        var out: [InspectionEvent] = []
        for id in Set(ids).sorted() { if let e = try await event(id: id) { out.append(e) } }
        return out
    }

    /// `events(ids:)` filtered, for stores that cannot filter while reading.
    public func events(ids: [String], excludingKinds: Set<String>) async throws -> [InspectionEvent] {
        try await events(ids: ids).filter { !excludingKinds.contains($0.kind) }
    }
}

/// Filters for listing events. Times compare against `observedAt`.
public struct EventQuery: Sendable, Equatable {
    /// Exact kind, or a family prefix ending in `.` or `.*` (`radiation.*`).
    public var kind: String?
    public var device: String?
    public var site: String?
    public var lane: String?
    /// Events whose subject names this seal (any case): its link key, so a query by seal reads
    /// the index the links are made from, not every event.
    public var seal: String?
    public var severity: Severity?
    public var since: Date?
    public var until: Date?
    /// Opaque position from a previous page's `next`.
    public var cursor: String?
    public var limit: Int = 100
    public var newestFirst = false

    public static let maxLimit = 1000

    public init() {}
}

/// One page of events and where the next page starts (nil at the end).
public struct EventPage: Sendable, Equatable {
    public var events: [InspectionEvent]
    public var next: String?
    /// Each event's own position, for a reader that advances one event at a time (the feed).
    public var cursors: [String]

    public init(events: [InspectionEvent], next: String?, cursors: [String] = []) {
        self.events = events
        self.next = next
        self.cursors = cursors
    }
}

public struct StoreCounts: Sendable, Equatable, Codable {
    public var events: Int
    public var rawRecords: Int
    public var rawBytes: Int

    public init(events: Int, rawRecords: Int, rawBytes: Int) {
        self.events = events
        self.rawRecords = rawRecords
        self.rawBytes = rawBytes
    }
}

/// A stored event that no longer reads as one (a disk fault or a hand edit).
public struct StoreCorruption: Error, CustomStringConvertible {
    public var what: String
    public init(what: String) { self.what = what }
    public var description: String { "store corruption: \(what)" }
}
