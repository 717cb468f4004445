import Foundation
import HubDevices
import HubModel

/// One connection's view of its unit's admission: puts a unit the listener did not admit on the
/// pending list (and keeps its row current), and says when the connection must end: at once for a
/// refused unit, and when an admin's decision since the connection began needs a fresh login to
/// take effect.
struct AdmissionWatch {
    let device: String
    let remoteAddress: String?
    private var reportedFrames = 0
    private var reportedUnit: String?

    init(device: String, remoteAddress: String?) {
        self.device = device
        self.remoteAddress = remoteAddress
    }

    /// Called after each delivery with the unit named so far and the frames received; true when the
    /// connection must close once its replies are written.
    mutating func mustClose(unit: UnitLogin?, frames: Int, admissions: UnitAdmissions, at now: Date = Date()) -> Bool {
        guard let unit else { return false }
        let decision = admissions.decision(device: device, unit: unit.id)
        guard unit.verdict != .admitted else { return decision == .denied }
        admissions.sighted(
            device: device, unit: unit.id, verdict: unit.verdict, remoteAddress: remoteAddress,
            frames: frames - reportedFrames, newConnection: reportedUnit != unit.id, at: now)
        reportedUnit = unit.id
        reportedFrames = frames
        return unit.verdict == .refused || decision != nil
    }
}
