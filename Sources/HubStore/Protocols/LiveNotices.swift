import Foundation
import HubModel

/// A change the other replicas sharing a database must learn of, told by the replica that stored it:
/// what live screens show of an alarm, and a unit admitted or refused at a listener.
public enum LiveChange: Sendable, Equatable {
    /// The alarm `eventID` was acknowledged (its first acknowledgement stands).
    case acknowledgement(eventID: String)
    /// The alarm `eventID` got a new adjudication (its newest counts).
    case adjudication(eventID: String)
    /// An admin approved or denied unit `target` (`device/unit`) at a listener; the decision is in
    /// the audit log, where every replica reads decisions from.
    case admission(target: String)
    /// Declaration `number` was created, amended or cancelled: the replica that correlates
    /// re-reads it (its transits, its risk).
    case declaration(number: String)
    /// A question to the replica holding a lease, or its answer's arrival (`HolderQuestions.swift`).
    case holder(HolderNotice)
}

/// What a replica told the others it stored, as read from the database's notices.
public enum StoreNotice: Sendable, Equatable {
    /// Events `seqs` were stored, some of them wanted live. `replica` is nil when no replica's
    /// own feed has them: a range found when catching up after a reconnect (who stored it is
    /// unknown), or a batch forwarded from a gate (no observer pushed it anywhere).
    case events(replica: String?, seqs: ClosedRange<Int64>)
    /// An acknowledgement or adjudication was stored by `replica`.
    case change(replica: String, LiveChange)

    /// The replica that sent it, when known.
    public var replica: String? {
        switch self {
        case .events(let r, _): r
        case .change(let r, _): r
        }
    }

    /// Whether an event goes out live (alarms and device state changes): the one rule `LiveFeed`
    /// and the store's notices share, so a replica announces exactly what the others would push.
    public static func wanted(_ e: InspectionEvent) -> Bool { e.severity == .alarm || e.kind == EventKind.deviceStatus }

    /// The payload on the events channel: `<replica>:<firstSeq>:<lastSeq>:1` (an empty replica
    /// for nil). Seqs and a name, never bodies: PostgreSQL refuses payloads of 8000 bytes or more.
    public static func eventsPayload(replica: String?, seqs: ClosedRange<Int64>) -> String {
        "\(replica ?? ""):\(seqs.lowerBound):\(seqs.upperBound):1"
    }

    /// The payload on the live channel: `<replica>:acknowledgement:<eventID>` or `…:adjudication:…`.
    public static func livePayload(replica: String, _ change: LiveChange) -> String {
        switch change {
        case .acknowledgement(let id): "\(replica):acknowledgement:\(id)"
        case .adjudication(let id): "\(replica):adjudication:\(id)"
        // A unit id may hold a colon, the field separator; the replica name is read from the left of the last two.
        case .admission(let target): "\(replica):admission:\(escaped(target))"
        case .declaration(let number): "\(replica):declaration:\(escaped(number))"
        // JSON, escaped: ids and user names are short, far below the payload limit.
        case .holder(let notice):
            "\(replica):holder:\(escaped(String(decoding: (try? JSONEncoder().encode(notice)) ?? Data(), as: UTF8.self)))"
        }
    }

    /// A field that may hold the separator.
    private static func escaped(_ field: String) -> String {
        field.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: ":", with: "%3A")
    }

    /// Reads an events-channel payload; nil when it is not one. The replica name may hold colons
    /// (`host:pid`), so the fields are taken from the right.
    public init?(eventsPayload payload: String) {
        let parts = payload.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 4, let first = Int64(parts[parts.count - 3]), let last = Int64(parts[parts.count - 2]),
            first <= last
        else { return nil }
        let replica = parts.dropLast(3).joined(separator: ":")
        self = .events(replica: replica.isEmpty ? nil : replica, seqs: first...last)
    }

    /// Reads a live-channel payload; nil when it is not one (event ids hold no colon).
    public init?(livePayload payload: String) {
        let parts = payload.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let id = parts.last.map(String.init), !id.isEmpty else { return nil }
        let replica = parts.dropLast(2).joined(separator: ":")
        switch parts[parts.count - 2] {
        case "acknowledgement": self = .change(replica: replica, .acknowledgement(eventID: id))
        case "adjudication": self = .change(replica: replica, .adjudication(eventID: id))
        case "admission": self = .change(replica: replica, .admission(target: id.removingPercentEncoding ?? id))
        case "declaration": self = .change(replica: replica, .declaration(number: id.removingPercentEncoding ?? id))
        case "holder":
            guard let json = id.removingPercentEncoding,
                let notice = try? JSONDecoder().decode(HolderNotice.self, from: Data(json.utf8))
            else { return nil }
            self = .change(replica: replica, .holder(notice))
        default: return nil
        }
    }
}

/// Tells the other replicas sharing the store of an acknowledgement or adjudication just stored.
/// Nothing to tell on a store only one hub uses (SQLite): the default does nothing.
public protocol LiveAnnouncing: Sendable {
    /// Announces `change`; never throws, since the change is stored already and a lost notice
    /// costs only a console's promptness, not a record.
    func announce(_ change: LiveChange) async
}

extension LiveAnnouncing {
    public func announce(_ change: LiveChange) async {}
}

/// Where a replica learns what the others store: a listener on the shared database.
public protocol StoreNoticeSource: Sendable {
    /// This replica's name: notices carrying it are its own.
    var replica: String { get }
    /// Whether it is hearing notices now (connected, listening, caught up): what a test waits on
    /// before storing what another replica should hear.
    var isListening: Bool { get }
    /// Calls `handle` with each notice, in order, until the task is cancelled; reconnects itself.
    func run(_ handle: @escaping @Sendable (StoreNotice) async -> Void) async
}

/// Reads back what a notice points at.
public protocol LiveEventReader: Sendable {
    /// The events among `seqs` that go out live (`StoreNotice.wanted`) with their seqs, oldest
    /// first, at most `limit`.
    func liveEvents(in seqs: ClosedRange<Int64>, limit: Int) async throws -> [(seq: Int64, event: InspectionEvent)]
}
