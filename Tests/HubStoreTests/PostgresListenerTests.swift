import Foundation
import HubModel
import HubStore
import HubTesting
import Synchronization
import Testing

#if PostgreSQL
import HubStorePostgres
import Logging
#endif

/// The notices replicas sharing a PostgreSQL database send each other, and the listener that hears
/// them: what an append and an acknowledgement announce, and that a listener whose connection is
/// cut catches up on what was stored meanwhile.
@Suite(.timeLimit(.minutes(2)))
struct PostgresListenerTests {
    @Test func payloadsReadBackWithColonsInTheReplicaName() {
        let events = StoreNotice.eventsPayload(replica: "hub-2:4711.2", seqs: 17...19)
        #expect(events == "hub-2:4711.2:17:19:1")
        #expect(StoreNotice(eventsPayload: events) == .events(replica: "hub-2:4711.2", seqs: 17...19))
        let ack = StoreNotice.livePayload(replica: "hub-2:4711", .acknowledgement(eventID: "01JABC"))
        #expect(StoreNotice(livePayload: ack) == .change(replica: "hub-2:4711", .acknowledgement(eventID: "01JABC")))
        let adj = StoreNotice.livePayload(replica: "a", .adjudication(eventID: "01JXYZ"))
        #expect(StoreNotice(livePayload: adj) == .change(replica: "a", .adjudication(eventID: "01JXYZ")))
        #expect(StoreNotice(eventsPayload: StoreNotice.eventsPayload(replica: nil, seqs: 5...5)) == .events(replica: nil, seqs: 5...5))
        #expect(StoreNotice(eventsPayload: "a:9:3:1") == nil)
        #expect(StoreNotice(livePayload: "a:deleted:01J") == nil)
    }

    /// A question to the lease holder carries user input (a user name, ids) with colons and percent
    /// signs in it; it reads back whole, and a mangled one is no notice at all.
    @Test func questionsToTheLeaseHolderReadBack() {
        let asked = HolderNotice.asked(
            id: "9F1C", lease: "correlation/gate:a", question: .resolve(event: "01J:X", passage: "P-1", by: "Lê Văn A 100%"))
        let payload = StoreNotice.livePayload(replica: "hub:42", .holder(asked))
        #expect(payload.hasPrefix("hub:42:holder:"))
        #expect(StoreNotice(livePayload: payload) == .change(replica: "hub:42", .holder(asked)))
        let map = StoreNotice.livePayload(replica: "r2", .holder(.asked(id: "1", lease: "correlation/x", question: .transits)))
        #expect(StoreNotice(livePayload: map) == .change(replica: "r2", .holder(.asked(id: "1", lease: "correlation/x", question: .transits))))
        let answered = StoreNotice.livePayload(replica: "r1", .holder(.answered(id: "9F1C")))
        #expect(StoreNotice(livePayload: answered) == .change(replica: "r1", .holder(.answered(id: "9F1C"))))
        #expect(StoreNotice(livePayload: "r1:holder:%7Bnot%20json") == nil)
    }

    #if PostgreSQL
    /// What a listener has heard so far.
    final class Heard: Sendable {
        private let notices = Mutex<[StoreNotice]>([])
        func add(_ n: StoreNotice) { notices.withLock { $0.append(n) } }
        var all: [StoreNotice] { notices.withLock { $0 } }
        /// Whether some heard events range holds `seq`.
        func covers(_ seq: Int64) -> Bool {
            all.contains { notice in
                guard case .events(_, let seqs) = notice else { return false }
                return seqs.contains(seq)
            }
        }
    }

    static func alarm(_ n: Int, kind: String = "radiation.alarm") -> IngestBatch {
        let r = EventStoreTests.record("alarm \(n)\r\n")
        return IngestBatch(records: [r], events: [EventStoreTests.event(n, kind: kind, raw: r)])
    }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aListenerHearsAnotherReplicaAndCatchesUpAfterItsConnectionIsCut() async throws {
        let at = try await PostgresTestServer.scratch()
        var logger = Logger(label: "pg-listen")
        logger.logLevel = .critical
        let a = try await PostgresEventStore.open(at, logger: logger, replica: "replica-a")
        let b = try await PostgresEventStore.open(at, logger: logger, replica: "replica-b")
        let listener = PostgresListener(store: b, at: at, logger: logger)
        #expect(listener.replica == "replica-b")
        let heard = Heard()
        let running = Task { await listener.run { heard.add($0) } }
        #expect(await eventually { listener.isListening })

        // An alarm stored by A: heard with A's name and the alarm's seq, which reads back as the alarm.
        try await a.append(Self.alarm(1))
        #expect(await eventually { heard.all.contains { $0.replica == "replica-a" } })
        guard case .events(_, let seqs) = try #require(heard.all.first { $0.replica == "replica-a" }) else {
            Issue.record("\(heard.all)")
            return
        }
        let read = try await b.liveEvents(in: seqs, limit: 10)
        #expect(read.map(\.event.kind) == ["radiation.alarm"])
        #expect(read.map(\.seq) == [seqs.upperBound])

        // An acknowledgement A announces.
        await a.announce(.acknowledgement(eventID: read[0].event.id))
        #expect(await eventually { heard.all.contains(.change(replica: "replica-a", .acknowledgement(eventID: read[0].event.id))) })

        // An alarm forwarded from a gate to B itself: announced without a replica, so B pushes it too.
        let gate = Self.alarm(3)
        let forwarded = ForwardedBatch(source: "gate-9", after: 0, first: 1, last: 1, events: gate.events, raw: [])
        #expect(try await b.acceptForwarded(forwarded).stored == 1)
        #expect(await eventually { heard.all.contains { $0.replica == nil } }, "\(heard.all)")

        // The listener's connection is cut (as a failover would), and an alarm is stored at once:
        // heard either live after the reconnect or in the catch-up range, never lost.
        // This database's listener only: other suites' hubs listen on the same server.
        try await a.execute(
            unsafeSQL: "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE application_name = 'niihub-listen' AND datname = current_database()")
        try await a.append(Self.alarm(2))
        let second = try #require(try await a.liveEvents(in: 1...1000, limit: 10).last { $0.event.kind == "radiation.alarm" }?.seq)
        #expect(second > seqs.upperBound)
        #expect(await eventually { heard.covers(second) }, "\(heard.all)")
        #expect(await eventually { listener.isListening })

        running.cancel()
        await running.value
        await a.close()
        await b.close()
    }

    /// Whether this process may stop a server backend (the server runs as `postgres`): as root.
    static let mayStopBackends = getuid() == 0

    /// The listener's backend is stopped (SIGSTOP: it holds its socket open and answers nothing, as a
    /// server behind a cut link does): the listener gives it up after its ping goes unanswered,
    /// reconnects and catches up on the alarm stored meanwhile.
    @Test(.enabled(if: PostgresTestServer.wanted && mayStopBackends, "needs a PostgreSQL server and root to stop its backend"))
    func aListenerWhoseServerStopsAnsweringReconnectsAndCatchesUp() async throws {
        let at = try await PostgresTestServer.scratch()
        var logger = Logger(label: "pg-listen")
        logger.logLevel = .critical
        let a = try await PostgresEventStore.open(at, logger: logger, replica: "replica-a")
        let listener = PostgresListener(
            replica: "replica-b", logger: logger, health: (every: .milliseconds(200), within: .seconds(1))
        ) { try a.listenerConfiguration() }
        let heard = Heard()
        let running = Task { await listener.run { heard.add($0) } }
        #expect(await eventually { listener.isListening })

        // The listener's backend pid, written by the server (the test user is its superuser).
        let file = "/tmp/niihub-listen-\(UUID().uuidString).pid"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await a.execute(
            unsafeSQL: "COPY (SELECT pid FROM pg_stat_activity WHERE application_name = 'niihub-listen' "
                + "AND datname = current_database()) TO '\(file)'")
        let pid = try #require(Int32(try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGSTOP) == 0)
        defer { kill(pid, SIGCONT) }

        try await a.append(Self.alarm(7))
        let seq = try #require(try await a.liveEvents(in: 1...1000, limit: 10).last?.seq)
        #expect(await eventually { heard.covers(seq) }, "\(heard.all)")

        running.cancel()
        await running.value
        await a.close()
    }
    #endif
}
