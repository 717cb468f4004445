import Foundation
import HubModel
import Synchronization

/// The connections of units that dialled in (GPS e-seals, trackers), by unit, so the hub can send a
/// unit a command on its live connection, and the answers their drivers read, handed to whoever
/// sent the command. The transport registers a connection once its unit named itself and forgets it
/// when it closes; a unit that dials again replaces its older connection.
public final class UnitLinks: Sendable {
    /// A unit's live connection.
    public struct Link: Sendable {
        /// The listener device the unit reached the hub through.
        public var deviceID: String
        /// That device's protocol (`gt06`, `teltonika`, `eseal`): how commands to the unit are worded.
        public var protocolName: String
        /// Which connection (the transport's own number for it).
        public var connection: Int
        /// Writes bytes on the connection (from any thread).
        let write: @Sendable ([UInt8]) -> Void

        public init(deviceID: String, protocolName: String, connection: Int, write: @escaping @Sendable ([UInt8]) -> Void) {
            self.deviceID = deviceID
            self.protocolName = protocolName
            self.connection = connection
            self.write = write
        }
    }

    /// Why a command could not be sent.
    public enum SendRefusal: Error, Sendable, Equatable {
        case notConnected
        /// A command to this unit is still waiting for its answer under the same tag (Teltonika
        /// answers name no command, so one at a time per unit).
        case busy
    }

    private struct Waiting {
        var connection: Int
        var answers: AsyncStream<UnitAnswer>.Continuation
    }

    private struct State {
        var links: [String: Link] = [:]
        var waiting: [String: [UnitAnswer.Tag: Waiting]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// `unit` is on `link` (its login, or its first named report, was just stored).
    public func connected(_ unit: String, _ link: Link) {
        state.withLock { $0.links[unit] = link }
    }

    /// The unit's live connection, if it has one.
    public func link(_ unit: String) -> Link? { state.withLock { $0.links[unit] } }

    /// Connection `connection` closed: it is forgotten (unless the unit dialled again since) and the
    /// commands waiting on it end without an answer.
    public func disconnected(_ unit: String, connection: Int) {
        let ended = state.withLock { s -> [Waiting] in
            if s.links[unit]?.connection == connection { s.links[unit] = nil }
            let gone = (s.waiting[unit] ?? [:]).filter { $0.value.connection == connection }
            for tag in gone.keys { s.waiting[unit]?[tag] = nil }
            return Array(gone.values)
        }
        for w in ended { w.answers.finish() }
    }

    /// Sends `bytes` to `unit` on its live connection; the answers carrying `tag` arrive on the
    /// stream, which ends when the connection closes or `finished(_:tag:)` is called.
    public func send(_ bytes: [UInt8], to unit: String, tag: UnitAnswer.Tag) -> Result<AsyncStream<UnitAnswer>, SendRefusal> {
        let (stream, continuation) = AsyncStream.makeStream(of: UnitAnswer.self)
        let picked = state.withLock { s -> Result<Link, SendRefusal> in
            guard let link = s.links[unit] else { return .failure(.notConnected) }
            guard s.waiting[unit]?[tag] == nil else { return .failure(.busy) }
            s.waiting[unit, default: [:]][tag] = Waiting(connection: link.connection, answers: continuation)
            return .success(link)
        }
        switch picked {
        case .failure(let refusal):
            continuation.finish()
            return .failure(refusal)
        case .success(let link):
            link.write(bytes)
            return .success(stream)
        }
    }

    /// The command under `tag` needs no more answers.
    public func finished(_ unit: String, tag: UnitAnswer.Tag) {
        let w = state.withLock { $0.waiting[unit]?.removeValue(forKey: tag) }
        w?.answers.finish()
    }

    /// Answers `unit`'s driver read on `connection`; an answer no command waits for is dropped.
    public func answered(_ unit: String, connection: Int, _ answers: [UnitAnswer]) {
        for a in answers {
            let w = state.withLock { s in s.waiting[unit]?[a.tag].flatMap { $0.connection == connection ? $0 : nil } }
            w?.answers.yield(a)
        }
    }
}
