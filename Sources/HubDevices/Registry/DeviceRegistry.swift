import Foundation
import HubModel
import Synchronization

/// What the hub knows about each configured device right now: connection state, traffic, and the
/// decode counters that show a misbehaving device. Updated from the ingest path, read by the API.
public final class DeviceRegistry: Sendable {
    /// Connection state of a device's transport.
    public enum State: String, Sendable, Codable {
        /// Not yet opened, or reopening after a loss.
        case connecting
        /// Port open and bytes can flow.
        case online
        /// Port lost or unavailable; the hub keeps retrying.
        case offline
        /// Not started (disabled in the site config).
        case disabled
    }

    /// One device's row.
    public struct Status: Sendable, Codable, Equatable {
        public var id: String
        public var profile: String
        public var family: String
        public var `protocol`: String
        public var site: String
        public var lane: String?
        public var port: String?
        public var state: State
        public var since: Date
        public var lastFrameAt: Date?
        public var lastEventAt: Date?
        public var connects: Int
        public var lastError: String?
        public var events: Int
        /// Batches the store refused even after retries.
        public var storeFailures: Int
        public var counters: DecodeCounters
        /// The profile's heartbeat: silence longer than a few of these is not normal.
        public var heartbeatIntervalS: Double

        /// True when an online device has sent nothing for three heartbeats.
        public func isSilent(at now: Date) -> Bool {
            state == .online && now.timeIntervalSince(max(lastFrameAt ?? since, since)) > 3 * heartbeatIntervalS
        }
    }

    let rows: Mutex<[String: Status]>
    private let order: [String]

    public init(devices: [DeviceInstance], now: Date = Date()) {
        var map: [String: Status] = [:]
        for d in devices {
            map[d.id] = Status(
                id: d.id, profile: d.profile.model, family: d.profile.family, protocol: d.profile.protocol, site: d.site,
                lane: d.lane, port: d.port, state: d.enabled ? .connecting : .disabled, since: now, lastFrameAt: nil,
                lastEventAt: nil, connects: 0, lastError: nil, events: 0, storeFailures: 0, counters: DecodeCounters(),
                heartbeatIntervalS: d.profile.heartbeatIntervalS)
        }
        rows = Mutex(map)
        order = devices.map(\.id)
    }

    /// Every device, in configuration order.
    public func all() -> [Status] {
        rows.withLock { m in order.compactMap { m[$0] } }
    }

    public func status(_ id: String) -> Status? { rows.withLock { $0[id] } }

    /// Records a state change (and the error that caused it, for offline).
    public func set(_ id: String, state: State, error: String? = nil, at now: Date = Date()) {
        rows.withLock { m in
            guard var s = m[id] else { return }
            if s.state != state { s.since = now }
            if state == .online { s.connects += 1 }
            s.state = state
            if let error { s.lastError = error }
            m[id] = s
        }
    }

    /// Records traffic: the driver's counters so far (summed over reconnects by the caller) and new events.
    public func traffic(_ id: String, counters: DecodeCounters, newEvents: Int, at now: Date = Date()) {
        rows.withLock { m in
            guard var s = m[id] else { return }
            if counters.bytes > s.counters.bytes { s.lastFrameAt = now }
            s.counters = counters
            if newEvents > 0 {
                s.events += newEvents
                s.lastEventAt = now
            }
            m[id] = s
        }
    }
}

extension DeviceRegistry {
    /// Records a batch the store could not take after retries.
    public func storeFailure(_ id: String, error: String) {
        rows.withLock { m in
            guard var s = m[id] else { return }
            s.storeFailures += 1
            s.lastError = "store: \(error)"
            m[id] = s
        }
    }
}
