import Foundation
import HubModel
import HubStore
import Synchronization

/// Fans what an operator must see at once (alarms, device state changes, acknowledgements and
/// adjudications) out to
/// every open WebSocket, as JSON text frames. Fed by the ingest sink after each commit, so a frame
/// never announces an event the store does not have, and by `LiveRelay` with what other replicas
/// sharing a PostgreSQL store committed.
public final class LiveFeed: Sendable {
    /// One frame: `{"type": "event", "event": …}`, `{"type": "adjudication", "adjudication": …}` or
    /// `{"type": "acknowledgement", "acknowledgement": …}`.
    struct Frame: Encodable {
        var type: String
        var event: InspectionEvent?
        var adjudication: Adjudication?
        var acknowledgement: Acknowledgement?
    }

    private struct Subscriber {
        var continuation: AsyncStream<String>.Continuation
        /// Frames queued for it and not yet written to its socket.
        var backlog = 0
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])
    /// Told of every acknowledgement published (the lane relays release on them).
    private let acknowledgementObservers = Mutex<[@Sendable (Acknowledgement) -> Void]>([])
    /// Frames kept per subscriber when it reads slower than alarms come: the newest win.
    static let bufferPerSubscriber = 256

    /// A feed with no subscribers yet.
    public init() {}

    /// Whether an event is pushed live.
    public static func wanted(_ e: InspectionEvent) -> Bool { StoreNotice.wanted(e) }

    /// Pushes the wanted ones among a stored batch.
    public func publish(_ events: [InspectionEvent]) {
        for e in events where Self.wanted(e) { send(text: Self.eventFrame(e)) }
    }

    /// `{"event":…,"type":"event"}`, the bytes `JSONEncoder` would write for `Frame`, with the event
    /// written by `EventJSONWriter` (as the store writes it). The frame is on an alarm's way to the
    /// screens, and `JSONEncoder` was 6 % of the hub's CPU in the alarm benchmark (`perf`, 2026-12-07).
    static func eventFrame(_ e: InspectionEvent) -> String {
        var bytes = Array(#"{"event":"#.utf8)
        e.appendJSON(to: &bytes)
        bytes.append(contentsOf: #","type":"event"}"#.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Tells every screen that an alarm was adjudicated, so it leaves their queues.
    public func publish(_ adjudication: Adjudication) {
        send(Frame(type: "adjudication", adjudication: adjudication))
    }

    /// Tells every screen that an alarm was acknowledged, so its tone stops on every console, and
    /// every acknowledgement observer.
    public func publish(_ acknowledgement: Acknowledgement) {
        send(Frame(type: "acknowledgement", acknowledgement: acknowledgement))
        for observe in acknowledgementObservers.withLock({ $0 }) { observe(acknowledgement) }
    }

    /// Calls `observer` with each acknowledgement published from now on (this hub's, and those
    /// `LiveRelay` brings from replicas sharing the store).
    public func observeAcknowledgements(_ observer: @escaping @Sendable (Acknowledgement) -> Void) {
        acknowledgementObservers.withLock { $0.append(observer) }
    }

    /// A stream of frames until `unsubscribe`.
    func subscribe() -> (UUID, AsyncStream<String>) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: String.self, bufferingPolicy: .bufferingNewest(Self.bufferPerSubscriber))
        let id = UUID()
        subscribers.withLock { $0[id] = Subscriber(continuation: continuation) }
        return (id, stream)
    }

    /// A subscriber's frame went out on its socket.
    func written(_ id: UUID) {
        subscribers.withLock { $0[id]?.backlog -= 1 }
    }

    func unsubscribe(_ id: UUID) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.continuation.finish()
    }

    /// Open WebSocket clients.
    public var count: Int { subscribers.withLock { $0.count } }

    /// Frames queued for all clients and not yet written (the fan-out's queue depth).
    public var backlog: Int { subscribers.withLock { $0.values.reduce(0) { $0 + $1.backlog } } }

    private func send(_ frame: Frame) {
        guard let data = try? JSONResponse.encoder.encode(frame) else { return }
        send(text: String(decoding: data, as: UTF8.self))
    }

    private func send(text: String) {
        subscribers.withLock { all in
            for (id, s) in all {
                // A full buffer drops its oldest frame: the backlog stays as it was.
                if case .enqueued = s.continuation.yield(text) { all[id]?.backlog += 1 }
            }
        }
    }
}
