import Foundation
import HubModel
import Synchronization

/// Units that named themselves to a listener without being admitted (shown to admins), and the
/// admins' decisions on them. A decision counts from the unit's next connection: the listener builds
/// each connection's driver settings from `rule(for:)`.
public final class UnitAdmissions: Sendable {
    /// A unit waiting for an admin: where it dialled in, when, from where, and how much it sent.
    public struct Pending: Sendable, Codable, Equatable {
        public var device: String
        public var unit: String
        /// `quarantined` or `refused`, as the listener's policy had it.
        public var verdict: UnitVerdict
        public var firstSeen: Date
        public var lastSeen: Date
        public var remoteAddress: String?
        /// Frames received from it (archived, never decoded into events).
        public var frames: Int
        public var connections: Int
    }

    public enum Decision: String, Sendable, Codable, Equatable {
        case approved, denied
    }

    /// The driver settings a new connection to `device` gets.
    public struct Rule: Sendable, Equatable {
        /// Units admitted; nil admits any unit not denied.
        public var admitted: Set<String>?
        public var denied: Set<String>
        public var quarantine: Bool
    }

    struct Key: Hashable {
        var device: String
        var unit: String
    }

    private struct State {
        var decisions: [Key: Decision] = [:]
        var pending: [Key: Pending] = [:]
        /// Sightings not listed because the list was full.
        var overflow = 0
    }

    /// Beyond this many waiting units, new ones are counted but not listed, so a flood of made-up
    /// ids cannot grow the hub's memory.
    public static let maxPending = 1000

    private let state = Mutex(State())
    private let listener = Mutex<(@Sendable (Pending) -> Void)?>(nil)

    public init() {}

    /// Called once for each unit that first becomes pending (the hub audits it).
    public func onNewPending(_ body: @escaping @Sendable (Pending) -> Void) { listener.withLock { $0 = body } }

    /// The admission rule for a new connection to `device`: its site list and policy with the
    /// admins' decisions applied.
    public func rule(for device: DeviceInstance) -> Rule {
        state.withLock { s in
            var approved: Set<String> = []
            var denied: Set<String> = []
            for (k, d) in s.decisions where k.device == device.id {
                if d == .approved { approved.insert(k.unit) } else { denied.insert(k.unit) }
            }
            let listed = Set(device.allowedUnits ?? []).subtracting(denied)
            switch device.admission {
            case .open: return Rule(admitted: nil, denied: denied, quarantine: false)
            case .known: return Rule(admitted: listed.union(approved), denied: denied, quarantine: false)
            case .quarantine: return Rule(admitted: listed.union(approved), denied: denied, quarantine: true)
            }
        }
    }

    /// The admins' decision on a unit, if any.
    public func decision(device: String, unit: String) -> Decision? {
        state.withLock { $0.decisions[Key(device: device, unit: unit)] }
    }

    /// Records a decision (from the API, or replayed from the audit log at start) and takes the
    /// unit off the pending list.
    public func decide(device: String, unit: String, _ decision: Decision) {
        state.withLock { s in
            let k = Key(device: device, unit: unit)
            s.decisions[k] = decision
            s.pending[k] = nil
        }
    }

    /// A listener met a unit it did not admit: lists it, or updates its row. `newConnection` is true
    /// for the first sighting on a connection; `frames` counts what arrived since the last call.
    public func sighted(
        device: String, unit: String, verdict: UnitVerdict, remoteAddress: String?, frames: Int, newConnection: Bool,
        at now: Date = Date()
    ) {
        let added: Pending? = state.withLock { s in
            let k = Key(device: device, unit: unit)
            if var p = s.pending[k] {
                p.lastSeen = now
                p.verdict = verdict
                p.frames += frames
                if newConnection { p.connections += 1 }
                if let remoteAddress { p.remoteAddress = remoteAddress }
                s.pending[k] = p
                return nil
            }
            // A unit an admin already decided on is not asked about again.
            guard s.decisions[k] == nil else { return nil }
            guard s.pending.count < Self.maxPending else {
                s.overflow += 1
                return nil
            }
            let p = Pending(
                device: device, unit: unit, verdict: verdict, firstSeen: now, lastSeen: now, remoteAddress: remoteAddress,
                frames: frames, connections: 1)
            s.pending[k] = p
            return p
        }
        if let added, let body = listener.withLock({ $0 }) { body(added) }
    }

    /// Units waiting for a decision, most recently seen first, and how many more were not listed.
    public func pending() -> (units: [Pending], overflow: Int) {
        state.withLock { s in
            (s.pending.values.sorted { ($0.lastSeen, $0.unit) > ($1.lastSeen, $1.unit) }, s.overflow)
        }
    }
}
