import HubDevices
import HubModel

/// Which relays must be on, from the events that switched them and the acknowledgements that
/// release them: a pure state machine the relay service drives. A relay is held by each event that
/// triggered it; an alarm is let go when an operator acknowledges it, a fault that is not an alarm
/// (nothing to acknowledge) when its device is online again. A relay holds while anything holds it.
struct RelayHolds: Sendable {
    /// What holds a relay.
    struct Hold: Sendable, Equatable {
        var event: String
        var kind: String
        var device: String
        /// An alarm waits for its acknowledgement; anything else for its device to be online again.
        var alarm: Bool
    }

    /// A relay to switch, and the event that made it so.
    struct Change: Sendable, Equatable {
        var relay: String
        var on: Bool
        /// The event that switched it on, or the last one that let it go.
        var event: String
        var kind: String
    }

    let relays: [LaneRelaySettings]
    private(set) var holds: [String: [Hold]] = [:]

    init(_ relays: [LaneRelaySettings]) { self.relays = relays }

    /// The same holds under relays a reload gave: a relay whose settings are unchanged keeps what holds
    /// it; a new or changed one starts released (as every relay does when the hub starts).
    func reconfigured(_ new: [LaneRelaySettings]) -> RelayHolds {
        var next = RelayHolds(new)
        for r in new where relays.contains(r) { next.holds[r.id] = holds[r.id] }
        return next
    }

    /// Whether `relay` must be on.
    func isOn(_ relay: String) -> Bool { !(holds[relay] ?? []).isEmpty }

    /// Takes stored events: the relays each switches on, and the faults it ends.
    mutating func observe(_ events: [InspectionEvent]) -> [Change] {
        var changes: [Change] = []
        for e in events {
            for r in relays {
                let before = isOn(r.id)
                if r.triggered(by: e) {
                    if !(holds[r.id] ?? []).contains(where: { $0.event == e.id }) {
                        holds[r.id, default: []].append(Hold(event: e.id, kind: e.kind, device: e.device.id, alarm: e.severity == .alarm))
                    }
                } else if e.kind == EventKind.deviceStatus, e.deviceStatus?.state == .online {
                    holds[r.id]?.removeAll { !$0.alarm && $0.device == e.device.id }
                }
                if isOn(r.id) != before { changes.append(Change(relay: r.id, on: !before, event: e.id, kind: e.kind)) }
            }
        }
        return changes
    }

    /// An operator acknowledged alarm `event`: the relays it alone held are released.
    mutating func acknowledged(_ event: String) -> [Change] {
        var changes: [Change] = []
        for r in relays {
            guard let i = holds[r.id]?.firstIndex(where: { $0.event == event }), let hold = holds[r.id]?[i] else { continue }
            holds[r.id]?.remove(at: i)
            if !isOn(r.id) { changes.append(Change(relay: r.id, on: false, event: event, kind: hold.kind)) }
        }
        return changes
    }
}
