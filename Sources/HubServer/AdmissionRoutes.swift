import Foundation
import HTTPTypes
import Hummingbird
import HubDevices
import HubSite

/// Units waiting at a listener, and the admin's approve and deny. A decision is written to the
/// audit log (by the auth middleware, as `admission.approve`/`admission.deny` with target
/// `device/unit`), which is where the hub reads its decisions back from at start.
struct AdmissionRoutes: RouteController {
    /// Holds the units waiting and the decisions (`registry.admissions`).
    let registry: DeviceRegistry
    /// The site's listeners and their admission policies.
    let config: ConfigState?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/admission/pending", .admin,
            doc: .init(
                summary: "Units that dialled in to a listener without being admitted (refused or quarantined), and each listener's policy.",
                response: S.object(
                    ["pending": S.array(S.object(
                        ["device": S.string, "unit": S.string, "verdict": S.oneOf(["quarantined", "refused"]), "firstSeen": S.time,
                         "lastSeen": S.time, "remoteAddress": S.string, "frames": S.integer, "connections": S.integer],
                        required: ["device", "unit", "verdict", "firstSeen", "lastSeen", "frames", "connections"])),
                     "notListed": S.integer,
                     "listeners": S.array(S.object(
                        ["device": S.string, "admission": S.oneOf(["known", "quarantine", "open"]), "units": S.strings],
                        required: ["device", "admission", "units"]))],
                    required: ["pending", "notListed", "listeners"]))
        ) { _, _ in
            struct Listener: Encodable {
                var device: String
                var admission: AdmissionPolicy
                var units: [String]
            }
            struct Body: Encodable {
                var pending: [UnitAdmissions.Pending]
                /// Units seen while the list was full.
                var notListed: Int
                var listeners: [Listener]
            }
            let (units, overflow) = registry.admissions.pending()
            let listeners = (config?.current.devices ?? []).filter { $0.listen != nil }.map {
                Listener(device: $0.id, admission: $0.admission, units: $0.allowedUnits ?? [])
            }
            return try JSONResponse.make(Body(pending: units, notListed: overflow, listeners: listeners))
        }
        let answer = S.object(
            ["device": S.string, "unit": S.string, "decision": S.oneOf(["approved", "denied"])], required: ["device", "unit", "decision"])
        for decision in [UnitAdmissions.Decision.approved, .denied] {
            let verb = decision == .approved ? "approve" : "deny"
            let audit = decision == .approved ? AdmissionAudit.approve : AdmissionAudit.deny
            let summary = decision == .approved
                ? "Admit a unit at a listener from its next connection (kept across restarts)."
                : "Refuse a unit at a listener from its next connection (kept across restarts)."
            routes.post(
                "/api/v1/admission/:device/:unit/\(verb)", .admin, audit: audit, body: nil,
                doc: .init(summary: summary, response: answer)
            ) { _, context in
                let device = try context.parameters.require("device")
                let unit = try context.parameters.require("unit")
                guard config?.current.devices.contains(where: { $0.id == device && $0.listen != nil }) == true else {
                    return JSONResponse.error(.notFound, "no listener \(device) in the site config", field: "device")
                }
                guard !unit.isEmpty, unit.count <= 32, !unit.contains("/") else {
                    return JSONResponse.error(.badRequest, "expected a unit id of 1 to 32 characters", field: "unit")
                }
                registry.admissions.decide(device: device, unit: unit, decision)
                context.auditNote.set(target: "\(device)/\(unit)", detail: decision.rawValue)
                return try JSONResponse.make(["device": device, "unit": unit, "decision": decision.rawValue])
            }
        }
    }
}
