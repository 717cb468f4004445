import Foundation
import Hummingbird
import HubDevices
import HubModel
import HubSite
import HubStore

/// The national view on a central hub: `GET /api/v1/national`, per department (the site config's
/// `national:`) and per gate, the figures of what the gates forwarded and the state of each
/// gate's uplink; `GET /api/v1/national/gates/:site/lanes`, a gate's lanes with their latest
/// passage and last occupancy.
struct NationalRoutes: RouteController {
    /// Where forwarded events are kept; nil answers 503 (this hub is no central).
    let forwarding: (any ForwardingStore)?
    let config: ConfigState?

    /// What "alarms" means on this page, said once here and on the page: a gate's acknowledgements
    /// and adjudications stay at the gate, so the central cannot tell which alarms are still open.
    static let alarmsMeaning =
        "Alarms are the events of severity alarm observed in the last 24 hours. Acknowledgements and adjudications are made at the gate and are not forwarded, so the central does not know which of them are still open."

    private typealias S = OpenAPISchemas

    nonisolated(unsafe) static let figures: [String: OpenAPISchemas.Schema] = [
        "devicesOnline": S.integer, "devicesReporting": S.integer, "alarmsLastDay": S.integer, "passagesLastHour": S.integer,
        "scansAwaitingReview": S.integer, "sealsInTransit": S.integer, "deviationsOpen": S.integer, "backlog": S.integer,
        "lagS": S.number,
    ]

    func register(on routes: RouteTable) {
        let gate = S.object(
            Self.figures.merging(
                ["site": S.string, "heard": S.boolean, "forwarding": S.boolean, "through": S.integer, "batches": S.integer,
                 "lastBatchAt": S.time, "oldestWaitingAt": S.time, "reportedAt": S.time]) { a, _ in a },
            required: ["site", "heard", "forwarding"])
        routes.get(
            "/api/v1/national", .people,
            doc: .init(
                summary: "Per department and gate: devices online, alarms of the last 24 h, passages of the last hour, scans awaiting review, seals in transit, open deviations, and each gate's forwarding backlog and lag.",
                response: S.object(
                    ["generatedAt": S.time, "alarmsMeaning": S.string,
                     "departments": S.array(S.object(
                        ["id": S.string, "name": S.string, "unassigned": S.boolean, "totals": S.object(Self.figures),
                         "gates": S.array(gate)], required: ["id", "unassigned", "totals", "gates"]))],
                    required: ["generatedAt", "departments"]))
        ) { _, _ in
            guard let forwarding else { return JSONResponse.error(.serviceUnavailable, "this hub takes no forwarded events") }
            let now = Date()
            let figures = try await forwarding.nationalFigures(now: now)
            return try JSONResponse.make(NationalView(config?.current.national ?? NationalConfig(), figures, now: now))
        }
        routes.get(
            "/api/v1/national/gates/:site/lanes", .people,
            doc: .init(
                summary: "A gate's lanes, each with its latest passage and its last occupancy, as forwarded.",
                response: S.object(
                    ["site": S.string, "lanes": S.array(S.object(
                        ["lane": S.string, "passage": S.object([:]), "occupancy": S.object([:])], required: ["lane"]))],
                    required: ["site", "lanes"]))
        ) { _, context in
            guard let forwarding else { return JSONResponse.error(.serviceUnavailable, "this hub takes no forwarded events") }
            let site = try context.parameters.require("site")
            guard Identifier.isValid(site) else { return JSONResponse.error(.badRequest, "expected a site id", field: "site") }
            let lanes = try await forwarding.gateLanes(site: site)
            struct Body: Encodable {
                var site: String
                var lanes: [NationalView.Lane]
            }
            return try JSONResponse.make(Body(site: site, lanes: lanes.map(NationalView.Lane.init)))
        }
    }
}
