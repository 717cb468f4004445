import Foundation
import HubIngest
import HubModel
import HubStore
import HubTesting
import Logging
import ServiceLifecycle
import Testing

/// A correlation stage's queue depth counts what was handed to it and not yet dealt with: seal
/// positions given to a transit watch that is not running yet wait, and are gone once it runs.
@Suite(.timeLimit(.minutes(3)))
struct StageQueueTests {
    @Test func whatWaitsForAStageIsItsDepthUntilItIsDealtWith() async throws {
        let dir = try TemporaryDirectory("stage-queue")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        var logger = Logger(label: "stage-queue")
        logger.logLevel = .critical
        let ids = EventIDGenerator()
        let transits = TransitService(declarations: store, ids: ids, logger: logger)
        func fix(_ seal: String) -> InspectionEvent {
            InspectionEvent(
                id: ids.next(at: Date()), kind: "gps.fix", device: DeviceRef(id: seal, profile: "ascii-eseal", family: "e-seal"),
                site: nil, lane: nil, observedAt: Date(), receivedAt: Date(), subject: Subject(seals: [seal]),
                data: ["lat": .double(10.8), "lon": .double(106.7)], severity: .info, raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
        }
        let other = InspectionEvent(
            id: ids.next(at: Date()), kind: "radiation.background", device: DeviceRef(id: "rpm", profile: "rapiscan-rpm", family: "rpm"),
            site: nil, lane: "1", observedAt: Date(), receivedAt: Date(), data: [:], severity: .info,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "test"))
        transits.observe([fix("ES-1"), fix("ES-2"), other])
        transits.observe([fix("ES-3")])
        #expect(transits.meter.depth == 3, "the seal positions wait; the background reading is not the stage's")
        let group = ServiceGroup(configuration: .init(services: [transits], logger: logger))
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(90)) { transits.meter.depth == 0 })
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
