import Foundation
import Hummingbird
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubSite
import HubStore

/// `GET /api/v1/events/{id}/count-rates`: a portal occupancy's count rates over time, as the hub
/// reads them from the occupancy's raw record with its own RPM driver (`RapiscanCountRates`), so a
/// screen draws the series without decoding the monitor's lines. For a `radiation.alarm` it is the
/// series of the occupancy the alarm happened in, once that occupancy has ended.
struct CountRateRoutes: RouteController {
    let store: any EventStore
    /// For the device's profile: its sample lengths turn counts into counts per second.
    let config: ConfigState?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        let sample = S.object(
            ["offsetS": S.number, "detectorsCps": S.array(S.number), "alarm": S.boolean], required: ["offsetS", "detectorsCps", "alarm"])
        routes.get(
            "/api/v1/events/:id/count-rates", .people,
            doc: .init(
                summary: "The count-rate series of a radiation.occupancy, or of the occupancy a portal's radiation.alarm happened in: "
                    + "gamma and neutron samples (seconds after the first, counts per second per detector) and the background.",
                response: S.object(
                    [
                        "event": S.string, "occupancy": S.string, "device": S.string, "lane": S.string, "startedAt": S.time,
                        "endedAt": S.time, "raw": S.sha256, "timing": S.oneOf(["recorded", "sample-interval"]),
                        "gammaSampleIntervalS": S.number, "neutronSampleIntervalS": S.number, "complete": S.boolean,
                        "gamma": S.array(sample), "neutron": S.array(sample),
                        "background": S.object(
                            ["gammaCps": S.number, "gammaDetectorsCps": S.array(S.number), "neutronCps": S.number,
                             "neutronDetectorsCps": S.array(S.number)]),
                    ],
                    required: ["event", "occupancy", "device", "raw", "timing", "complete", "gamma", "neutron", "background"]),
                answers: ["409": "The alarm's occupancy has not ended yet (the vehicle is still in the portal, or its end is not stored)."])
        ) { _, context in try await series(try context.parameters.require("id")) }
    }

    struct Series: Encodable {
        struct Background: Encodable {
            /// The hub's figure for the occupancy (the sum over detectors), else the record's.
            var gammaCps: Double?
            var gammaDetectorsCps: [Double]?
            /// As the monitor reported it at the end of the occupancy (GX).
            var neutronCps: Double?
            var neutronDetectorsCps: [Double]?
        }
        var event: String
        var occupancy: String
        var device: String
        var lane: String?
        var startedAt: Date?
        var endedAt: Date?
        var raw: String
        var timing: RapiscanCountRates.Timing
        var gammaSampleIntervalS: Double
        var neutronSampleIntervalS: Double
        /// The record holds the occupancy's end and as many samples as the occupancy counted.
        var complete: Bool
        var gamma: [RapiscanCountRates.Sample]
        var neutron: [RapiscanCountRates.Sample]
        var background: Background
    }

    private func series(_ id: String) async throws -> Response {
        guard let asked = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
        let occupancy: InspectionEvent
        switch asked.payload {
        case .occupancy:
            occupancy = asked
        case .radiationAlarm(let alarm) where alarm.source == .portalMonitor:
            guard let found = try await occupancyHolding(asked) else {
                return JSONResponse.error(
                    .conflict, "the occupancy of alarm \(id) has not ended yet: its count rates come when the vehicle has left the portal",
                    field: "id")
            }
            occupancy = found
        default:
            return JSONResponse.error(.notFound, "event \(id) is a \(asked.kind), not a portal monitor's radiation.occupancy or radiation.alarm")
        }
        guard case .occupancy(let payload) = occupancy.payload else {
            return JSONResponse.error(.notFound, "event \(occupancy.id) holds no occupancy")
        }
        let format = RapiscanDriver().rawFormat
        guard let record = try await store.rawRecords(sha256: occupancy.raw.sha256).first(where: { $0.format == format }) else {
            return JSONResponse.error(.notFound, "the raw record of \(occupancy.id) is not a portal monitor's lines (\(format))")
        }
        let device = config?.current.devices.first { $0.id == occupancy.device.id }
        let options = device.map { DriverOptions($0) } ?? DriverOptions()
        let rates = RapiscanCountRates.read(record.bytes, options: options)
        let complete = rates.ended && payload.partial != true
            && (payload.gammaSamples.map { $0 == rates.gamma.count } ?? true)
            && (payload.neutronSamples.map { $0 == rates.neutron.count } ?? true)
        let body = Series(
            event: id, occupancy: occupancy.id, device: occupancy.device.id, lane: occupancy.lane, startedAt: payload.startedAt,
            endedAt: payload.endedAt, raw: record.sha256, timing: rates.timing, gammaSampleIntervalS: options.gammaSampleIntervalS,
            neutronSampleIntervalS: options.neutronSampleIntervalS, complete: complete, gamma: rates.gamma, neutron: rates.neutron,
            background: .init(
                gammaCps: payload.gammaBackgroundCps ?? rates.gammaBackgroundDetectorsCps.map { $0.reduce(0, +) },
                gammaDetectorsCps: rates.gammaBackgroundDetectorsCps, neutronCps: payload.neutronBackgroundCps,
                neutronDetectorsCps: rates.neutronBackgroundDetectorsCps))
        return try JSONResponse.make(body)
    }

    /// The same monitor's occupancy that was open when the alarm was raised: the first stored after
    /// it whose span holds the alarm's time (to the millisecond the times are kept to); nil while none has ended.
    private func occupancyHolding(_ alarm: InspectionEvent) async throws -> InspectionEvent? {
        var q = EventQuery()
        q.kind = EventKind.occupancy
        q.device = alarm.device.id
        q.since = alarm.observedAt
        q.newestFirst = false
        q.limit = 10
        let at = alarm.observedAt
        for candidate in try await store.events(q).events {
            guard case .occupancy(let o) = candidate.payload else { continue }
            let start = o.startedAt ?? candidate.observedAt, end = o.endedAt ?? candidate.observedAt
            if start.addingTimeInterval(-0.001) <= at, at <= end.addingTimeInterval(0.001) { return candidate }
        }
        return nil
    }
}
