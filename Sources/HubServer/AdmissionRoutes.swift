import Foundation
import HTTPTypes
import Hummingbird
import HubDevices

extension HubAPI {
    /// Units waiting at a listener, and the admin's approve and deny. A decision is written to the
    /// audit log (by the auth middleware, as `admission.approve`/`admission.deny` with target
    /// `device/unit`), which is where the hub reads its decisions back from at start.
    func addAdmissionRoutes(to router: RouteTable) {
        router.get("/api/v1/admission/pending", .admin) { _, _ in
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
        for decision in [UnitAdmissions.Decision.approved, .denied] {
            let verb = decision == .approved ? "approve" : "deny"
            let audit = decision == .approved ? AdmissionAudit.approve : AdmissionAudit.deny
            router.post("/api/v1/admission/:device/:unit/\(verb)", .admin, audit: audit, body: nil) { _, context in
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
