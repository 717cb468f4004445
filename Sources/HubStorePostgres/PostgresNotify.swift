#if PostgreSQL
import Foundation
import HubModel
import HubStore
import Logging
import PostgresNIO
import Synchronization

/// The notices a replica sends the others sharing its database, so an operator connected to any
/// of them sees every alarm (`PostgresListener` reads them). Sent inside the storing transaction:
/// PostgreSQL delivers a NOTIFY at commit and drops it at rollback, so a notice never announces
/// what the store does not have.
enum PostgresNotify {
    /// Stored events: `<replica>:<firstSeq>:<lastSeq>:1`.
    static let eventsChannel = "niihub_events"
    /// Acknowledgements and adjudications: `<replica>:<kind>:<eventID>`.
    static let liveChannel = "niihub_live"

    /// Stores opened so far in this process: a second hub in one process (tests) gets its own name.
    private static let opened = Atomic<Int>(0)

    /// `host:pid`, then `host:pid.2`, … for each further store this process opens.
    static func defaultReplica() -> String {
        let n = opened.add(1, ordering: .relaxed).newValue
        // gethostname, not ProcessInfo.hostName, which may wait on a DNS lookup.
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : "hub"
        let base = "\(host):\(ProcessInfo.processInfo.processIdentifier)"
        return n == 1 ? base : "\(base).\(n)"
    }

    /// A name short enough that a payload stays far below PostgreSQL's 8000-byte limit.
    static func bounded(_ replica: String) -> String { String(replica.prefix(200)) }

    /// Announces the events just inserted in `db`'s transaction (which holds `appendLock`, so they
    /// are the last `events.count` seqs up to the chain head). Only a batch holding an alarm or a
    /// device.status is announced: those are all the other replicas act on today, and every NOTIFY
    /// takes PostgreSQL's global notify-queue lock at commit, which a plain batch need not pay.
    /// `replica` is nil for events no replica's feed has pushed (forwarded from a gate), so that
    /// every replica pushes them, the one that stored them included.
    static func appended(_ db: PostgresConnection, _ events: [InspectionEvent], by replica: String?, _ logger: Logger) async throws {
        guard events.contains(where: StoreNotice.wanted) else { return }
        guard let head = try await PostgresEventStore.head(db, .events, logger) else { return }
        let seqs = (head.seq - Int64(events.count) + 1)...head.seq
        try await notify(db, eventsChannel, StoreNotice.eventsPayload(replica: replica, seqs: seqs), logger)
    }

    static func notify(_ db: PostgresConnection, _ channel: String, _ payload: String, _ logger: Logger) async throws {
        try await db.query("SELECT pg_notify(\(channel), \(payload))", logger: logger)
    }
}

extension PostgresEventStore: LiveEventReader {
    public func announce(_ change: LiveChange) async {
        let payload = StoreNotice.livePayload(replica: replica, change)
        do {
            try await client.query("SELECT pg_notify(\(PostgresNotify.liveChannel), \(payload))", logger: logger)
        } catch {
            logger.warning("could not tell the other replicas", metadata: ["notice": "\(payload)", "error": "\(error)"])
        }
    }

    public func liveEvents(in seqs: ClosedRange<Int64>, limit: Int) async throws -> [(seq: Int64, event: InspectionEvent)] {
        let rows = try await client.query(
            """
            SELECT seq, body FROM events WHERE seq BETWEEN \(seqs.lowerBound) AND \(seqs.upperBound)
            AND (severity = \(Severity.alarm.rawValue) OR kind = \(EventKind.deviceStatus)) ORDER BY seq LIMIT \(limit)
            """, logger: logger)
        var out: [(seq: Int64, event: InspectionEvent)] = []
        for try await (seq, body) in rows.decode((Int64, String).self) {
            out.append((seq, try JSONDecoder().decode(InspectionEvent.self, from: Data(body.utf8))))
        }
        return out
    }

    /// Where the listener of this store's notices connects: the server the store's pool uses now
    /// (after a failover, the promoted standby), as one plain connection (a pooled one may be
    /// closed under it).
    public func listenerConfiguration() throws -> PostgresConnection.Configuration {
        let endpoint = pool.withLock { $0.endpoint }
        return try Self.connectionConfiguration(at, at.endpoints[endpoint], application: "niihub-listen")
    }
}
#endif
