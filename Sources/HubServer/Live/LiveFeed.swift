import Foundation
import HubModel
import HubStore
import Synchronization

/// Fans what an operator must see at once (alarms, device state changes, adjudications) out to
/// every open WebSocket, as JSON text frames. Fed by the ingest sink after each commit, so a frame
/// never announces an event the store does not have.
public final class LiveFeed: Sendable {
    /// One frame: `{"type": "event", "event": …}` or `{"type": "adjudication", "adjudication": …}`.
    struct Frame: Encodable {
        var type: String
        var event: InspectionEvent?
        var adjudication: Adjudication?
    }

    private let subscribers = Mutex<[UUID: AsyncStream<String>.Continuation]>([:])
    /// Frames kept per subscriber when it reads slower than alarms come: the newest win.
    static let bufferPerSubscriber = 256

    /// A feed with no subscribers yet.
    public init() {}

    /// Whether an event is pushed live.
    public static func wanted(_ e: InspectionEvent) -> Bool { e.severity == .alarm || e.kind == "device.status" }

    /// Pushes the wanted ones among a stored batch.
    public func publish(_ events: [InspectionEvent]) {
        for e in events where Self.wanted(e) { send(Frame(type: "event", event: e)) }
    }

    /// Tells every screen that an alarm was adjudicated, so it leaves their queues.
    public func publish(_ adjudication: Adjudication) {
        send(Frame(type: "adjudication", adjudication: adjudication))
    }

    /// A stream of frames until `unsubscribe`.
    func subscribe() -> (UUID, AsyncStream<String>) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: String.self, bufferingPolicy: .bufferingNewest(Self.bufferPerSubscriber))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    /// Open WebSocket clients.
    public var count: Int { subscribers.withLock { $0.count } }

    private func send(_ frame: Frame) {
        guard let data = try? JSONResponse.encoder.encode(frame) else { return }
        let text = String(decoding: data, as: UTF8.self)
        for c in subscribers.withLock({ Array($0.values) }) { c.yield(text) }
    }
}
