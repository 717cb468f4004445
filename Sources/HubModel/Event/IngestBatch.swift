/// What one push of device bytes produced: raw records to archive and the events derived from them.
///
/// Stores write a batch atomically, records first, so an event never points at bytes that are not kept.
public struct IngestBatch: Sendable, Equatable {
    public var records: [RawRecord]
    public var events: [InspectionEvent]

    public init(records: [RawRecord] = [], events: [InspectionEvent] = []) {
        self.records = records
        self.events = events
    }

    public var isEmpty: Bool { records.isEmpty && events.isEmpty }

    public mutating func append(_ other: IngestBatch) {
        records += other.records
        events += other.events
    }
}
