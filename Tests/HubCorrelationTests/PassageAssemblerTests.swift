import Foundation
import HubCorrelation
import HubModel
import Testing

/// Passage assembly on hand-made lanes: what belongs to which vehicle.
struct PassageAssemblerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let ids = EventIDGenerator()

    func event(
        _ kind: String, at s: Double, lane: String = "2", containers: [String]? = nil, plates: [String]? = nil,
        data: [String: JSONValue] = [:], severity: Severity = .info, device: String = "dev"
    ) -> InspectionEvent {
        InspectionEvent(
            id: ids.next(at: Self.t0.addingTimeInterval(s)), kind: kind,
            device: DeviceRef(id: device, profile: "p", family: "f"), site: "gate", lane: lane,
            observedAt: Self.t0.addingTimeInterval(s), receivedAt: Self.t0.addingTimeInterval(s),
            subject: Subject(containers: containers, plates: plates), data: data, severity: severity,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "t"))
    }

    func occupancy(from a: Double, to b: Double, gamma: Bool = false) -> InspectionEvent {
        event(
            "radiation.occupancy", at: b,
            data: [
                "startedAt": .string(Timestamp.format(Self.t0.addingTimeInterval(a))),
                "endedAt": .string(Timestamp.format(Self.t0.addingTimeInterval(b))), "gammaAlarm": .bool(gamma),
                "neutronAlarm": false,
            ], severity: gamma ? .alarm : .info)
    }

    func run(_ events: [InspectionEvent], until s: Double = 10_000, layout: LaneLayout = LaneLayout()) -> [Passage] {
        var a = PassageAssembler(layout: layout)
        var out: [Passage] = []
        for e in events { out += a.observe(e) }
        out += a.close(before: Self.t0.addingTimeInterval(s))
        #expect(a.openCount == 0)
        return PassageAssemblerTests.latest(out)
    }

    /// The newest revision of each passage, in the order first stored.
    static func latest(_ passages: [Passage]) -> [Passage] {
        var order: [String] = []
        var newest: [String: Passage] = [:]
        for p in passages {
            if newest[p.id] == nil { order.append(p.id) }
            if (newest[p.id]?.revision ?? 0) < p.revision { newest[p.id] = p }
        }
        return order.map { newest[$0]! }
    }

    @Test func twoContainersOnOneTruckWithTheCameraAheadOfThePortal() {
        let ocr1 = event("ocr.read", at: 5, containers: ["CSQU3054383"])
        let ocr2 = event("ocr.read", at: 6, containers: ["TCNU7200794"])
        let plate = event("ocr.read", at: 6.5, plates: ["51C12345"])
        let occ = occupancy(from: 20, to: 32, gamma: true)
        let scan = event("scan.result", at: 80, containers: ["CSQU3054383"], data: ["atdResult": "suspect"], severity: .alarm)
        let passages = run([ocr1, ocr2, plate, occ, scan])
        #expect(passages.count == 1)
        let p = passages[0]
        #expect(p.occupancy == occ.id && p.gammaAlarm == true)
        #expect(p.containers == ["CSQU3054383", "TCNU7200794"])
        #expect(p.plates == ["51C12345"])
        #expect(p.scanEvent == scan.id && p.scanResult == "suspect" && p.scanSuspect == true)
        #expect(p.missing.isEmpty && p.alarmed)
        #expect(Set(p.events) == Set([ocr1, ocr2, plate, occ, scan].map(\.id)))
    }

    @Test func backToBackTrucksSplitByARearCamerasPlace() {
        // Truck A in the portal 0–10 s, truck B 15–25 s; a camera 6 m behind the portal reads each
        // one's rear after it left: the read belongs to the last vehicle to leave before it.
        let a = occupancy(from: 0, to: 10)
        let readA = event("ocr.read", at: 11, containers: ["CSQU3054383"], device: "rear-cam")
        let b = occupancy(from: 15, to: 25)
        let readB = event("ocr.read", at: 26, containers: ["TCNU7200794"], device: "rear-cam")
        let passages = run([a, readA, b, readB], layout: LaneLayout(positions: ["rear-cam": 6]))
        #expect(passages.count == 2)
        #expect(passages.first { $0.occupancy == a.id }?.containers == ["CSQU3054383"])
        #expect(passages.first { $0.occupancy == b.id }?.containers == ["TCNU7200794"])
        #expect(passages.allSatisfy { !$0.ambiguous })
    }

    @Test func aDeviceWithoutAPlaceInTheLaneIsMatchedByTimeAndSaysWhenItCannotTell() {
        let a = occupancy(from: 0, to: 10)
        let read = event("ocr.read", at: 11, containers: ["CSQU3054383"], device: "somewhere")
        let b = occupancy(from: 15, to: 25)
        let passages = run([a, read, b])
        #expect(passages.count == 2)
        for p in passages {
            #expect(p.containers == ["CSQU3054383"])
            #expect(p.ambiguities.map(\.event) == [read.id])
            #expect(p.ambiguities.first?.candidates == passages.map(\.id))
            #expect(p.ambiguities.first?.reason.contains("no position") == true)
        }
    }

    @Test func missingPartsAndADeviceThatDroppedOut() {
        let occ = occupancy(from: 0, to: 8)
        let down = event("device.status", at: 4, data: ["state": "offline"], device: "ocr-cam-2")
        let passages = run([down, occ])
        #expect(passages.count == 1)
        #expect(passages[0].missing == ["ocr", "scan"])
        #expect(passages[0].devicesDown.isEmpty, "the device fell before the occupancy was known")
        let passages2 = run([occupancy(from: 0, to: 8), event("device.status", at: 9, data: ["state": "offline"], device: "scanner")])
        #expect(passages2[0].devicesDown == ["scanner"])
        // A device connected but silent past its profile's limit saw nothing either.
        let passages3 = run([occupancy(from: 0, to: 8), event("device.status", at: 9, data: ["state": "silent"], device: "scanner")])
        #expect(passages3[0].devicesDown == ["scanner"])
    }

    @Test func readsWithoutAPortalGroupByGapAndLanesStayApart() {
        let r1 = event("ocr.read", at: 0, containers: ["CSQU3054383"])
        let r2 = event("ocr.read", at: 20, plates: ["51C12345"])
        let r3 = event("ocr.read", at: 500, containers: ["TCNU7200794"])
        let other = event("ocr.read", at: 1, lane: "3", containers: ["GYOU4047990"])
        let passages = run([r1, r2, other, r3])
        #expect(passages.count == 3)
        #expect(passages.first { $0.lane == "2" && $0.containers == ["CSQU3054383"] }?.plates == ["51C12345"])
        #expect(passages.allSatisfy { $0.missing.contains("radiation") })
    }

    @Test func aPassageClosesOnlyAfterItsWindows() {
        var a = PassageAssembler()
        #expect(a.observe(occupancy(from: 0, to: 10)).isEmpty)
        #expect(a.close(before: Self.t0.addingTimeInterval(100)).isEmpty, "a camera behind the portal may still read")
        #expect(a.close(before: Self.t0.addingTimeInterval(131)).count == 1)
    }
}
