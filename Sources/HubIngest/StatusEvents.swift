import Foundation
import HubDevices
import HubModel

/// `device.status` events for the hub's own findings about a device (link up or down, silence,
/// faults, tamper). The hub is the witness here, so the raw record it points at is the hub's
/// statement of the change, in JSON, kept in the archive like a device's bytes.
struct StatusEvents: Sendable {
    let ids: EventIDGenerator

    func batch(for t: DeviceRegistry.Transition) -> IngestBatch {
        let d = t.device
        let payload = DeviceStatus(
            state: t.to, previous: t.from, link: d.link, reason: t.reason,
            faults: d.activeFaults.isEmpty ? nil : d.activeFaults, lastFrameAt: d.lastFrameAt)
        let statement = "{\"device\":\"\(d.id)\",\"from\":\"\(t.from.rawValue)\",\"to\":\"\(t.to.rawValue)\",\"at\":\"\(Timestamp.format(t.at))\"}\n"
        let event = InspectionEvent(
            id: ids.next(at: t.at), kind: EventKind.deviceStatus,
            device: DeviceRef(id: d.id, profile: d.profile, family: d.family), site: d.site, lane: d.lane,
            observedAt: t.at, receivedAt: t.at, payload: payload.payload, severity: severity(t.to), raw: HubAuthored.unrecorded)
        return HubAuthored.batch(event, statement: statement, format: "niihub-status", deviceID: d.id, at: t.at)
    }

    private func severity(_ s: DeviceRegistry.State) -> Severity {
        switch s {
        // Silence is an operator alarm: a portal monitor that says nothing may let a lane pass unchecked.
        case .tampered, .silent: .alarm
        case .offline, .faulted, .degraded: .warning
        case .online, .connecting, .disabled: .info
        }
    }
}
