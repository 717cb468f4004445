import HubDevices
import HubModel
import HubStore
import Logging

/// Unit admission decisions live in the audit log (append-only, so every decision is kept with
/// who made it); the hub replays them at start.
package enum AdmissionAudit {
    static let approve = "admission.approve"
    static let deny = "admission.deny"
    /// The hub's own entry when a listener first meets a unit it does not admit.
    static let held = "admission.held"

    /// Applies every decision in the audit log, oldest first, so the newest counts.
    package static func replay(from store: any HubRecordStore, into admissions: UnitAdmissions) async throws {
        for (action, target) in try await store.auditTargets(actions: [approve, deny]) {
            let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            admissions.decide(device: parts[0], unit: parts[1], action == approve ? .approved : .denied)
        }
    }

    /// Audits each unit that first goes on the pending list, as the hub's decision.
    package static func auditNewPending(_ admissions: UnitAdmissions, auth: AuthService, logger: Logger) {
        admissions.onNewPending { p in
            logger.warning(
                "unit not admitted", metadata: ["device": "\(p.device)", "unit": "\(p.unit)", "verdict": "\(p.verdict.rawValue)"])
            Task {
                await auth.audit(
                    Identity(name: "hub", role: .admin, tokenID: ""), held, target: "\(p.device)/\(p.unit)",
                    detail: "\(p.verdict.rawValue) from \(p.remoteAddress ?? "unknown address")", logger: logger)
            }
        }
    }
}
