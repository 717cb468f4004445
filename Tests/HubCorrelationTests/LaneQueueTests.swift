import Foundation
import HubCorrelation
import HubModel
import Testing

/// Trucks queued nose to tail through one lane: a camera 8 m before the portal, the portal, a rear
/// camera 6 m behind it and a scanner 30 m on. Each read must land on the truck that produced it,
/// or be shown as ambiguous with that truck among the candidates.
struct LaneQueueTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let layout = LaneLayout(positions: ["cam": -8, "rpm": 0, "rear": 6, "scanner": 30, "near-cam": -3, "far-cam": -25])
    let ids = EventIDGenerator()

    /// One truck of a queue: when it passes the camera, enters and leaves the portal.
    struct Truck {
        var plate: String
        var container: String
        var readAt: Double
        var enters: Double
        var leaves: Double
        var gamma = false
        var plateRead = true
    }

    func event(
        _ kind: String, at s: Double, lane: String = "1", device: String, containers: [String]? = nil, plates: [String]? = nil,
        data: [String: JSONValue] = [:], severity: Severity = .info, arrives: Double? = nil
    ) -> InspectionEvent {
        InspectionEvent(
            id: ids.next(at: Self.t0.addingTimeInterval(arrives ?? s)), kind: kind,
            device: DeviceRef(id: device, profile: "p", family: "f"), site: "gate", lane: lane,
            observedAt: Self.t0.addingTimeInterval(s), receivedAt: Self.t0.addingTimeInterval(arrives ?? s),
            subject: Subject(containers: containers, plates: plates), data: data, severity: severity,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "t"))
    }

    func time(_ s: Double) -> JSONValue { .string(Timestamp.format(Self.t0.addingTimeInterval(s))) }

    /// The events the lane's devices send for `trucks`, in the order they reach the hub.
    func events(_ trucks: [Truck], lane: String = "1", camera: String = "cam") -> [InspectionEvent] {
        var out: [InspectionEvent] = []
        for t in trucks {
            if t.plateRead { out.append(event("ocr.read", at: t.readAt, lane: lane, device: camera, plates: [t.plate])) }
            out.append(event("ocr.read", at: t.readAt + 0.2, lane: lane, device: camera, containers: [t.container]))
            out.append(event("radiation.occupancy-start", at: t.enters, lane: lane, device: "rpm", data: ["startedAt": time(t.enters)]))
            out.append(event(
                "radiation.occupancy", at: t.leaves, lane: lane, device: "rpm",
                data: ["startedAt": time(t.enters), "endedAt": time(t.leaves), "gammaAlarm": .bool(t.gamma), "neutronAlarm": false],
                severity: t.gamma ? .alarm : .info))
        }
        return out.sorted { $0.receivedAt < $1.receivedAt }
    }

    func run(_ events: [InspectionEvent], layout: LaneLayout = Self.layout, windows: PassageWindows = PassageWindows())
        -> [Passage]
    {
        var a = PassageAssembler(windows: windows, layout: layout)
        var out: [Passage] = []
        for e in events { out += a.observe(e) }
        out += a.close(before: Self.t0.addingTimeInterval(100_000))
        #expect(a.openCount == 0)
        return PassageAssemblerTests.latest(out).sorted { $0.startedAt < $1.startedAt }
    }

    /// The queue: three trucks 11 s apart, each read 3 s before it enters, occupancies of
    /// 4–10 s, so each plate is read while the truck ahead is still in the portal or just out.
    func queue(spacing: Double, occupancies: [Double] = [9, 10, 6]) -> [Truck] {
        (0..<3).map { i in
            let read = Double(i) * spacing
            let enters = read + 3
            return Truck(
                plate: "51C1234\(i)", container: ["CSQU3054383", "TCNU7200794", "GYOU4047990"][i], readAt: read, enters: enters,
                leaves: enters + min(occupancies[i], spacing - 0.5), gamma: i == 1)
        }
    }

    @Test(arguments: [11.0, 15.0, 8.0, 6.0, 4.5])
    func threeQueuedTrucksEachKeepTheirOwnReadsAndTheMiddleOneItsAlarm(spacing: Double) {
        let trucks = queue(spacing: spacing)
        let passages = run(events(trucks))
        #expect(passages.count == 3)
        for (p, t) in zip(passages, trucks) {
            #expect(p.plates == [t.plate])
            #expect(p.containers == [t.container])
            #expect(p.gammaAlarm == t.gamma)
            #expect(!p.ambiguous, "spacing \(spacing): \(p.ambiguities)")
        }
    }

    @Test func aMissedPlateLeavesThatTruckWithoutOneAndShiftsNothing() {
        var trucks = queue(spacing: 11)
        trucks[1].plateRead = false
        let passages = run(events(trucks))
        #expect(passages.map(\.plates) == [["51C12340"], [], ["51C12342"]])
        #expect(passages.map(\.containers) == [["CSQU3054383"], ["TCNU7200794"], ["GYOU4047990"]])
        #expect(passages.allSatisfy { !$0.ambiguous })
    }

    @Test func aDoubleReadStaysOnItsTruck() {
        let trucks = queue(spacing: 11)
        let again = event("ocr.read", at: trucks[1].readAt + 0.6, device: "cam", plates: [trucks[1].plate])
        let passages = run(events(trucks) + [again])
        #expect(passages[1].events.contains(again.id))
        #expect(passages.map(\.plates) == [["51C12340"], ["51C12341"], ["51C12342"]])
    }

    @Test func aTruckThatStopsInThePortalWhileTheNextIsRead() {
        let trucks = [
            Truck(plate: "51C00001", container: "CSQU3054383", readAt: 0, enters: 3, leaves: 40),  // stops 30 s inside
            Truck(plate: "51C00002", container: "TCNU7200794", readAt: 10, enters: 41, leaves: 47, gamma: true),
            Truck(plate: "51C00003", container: "GYOU4047990", readAt: 44, enters: 48, leaves: 54),
        ]
        let passages = run(events(trucks))
        #expect(passages.map(\.plates) == [["51C00001"], ["51C00002"], ["51C00003"]])
        #expect(passages.map { $0.gammaAlarm == true } == [false, true, false])
    }

    @Test func aReadWithinTheClocksToleranceOfAnEntryIsAmbiguousBetweenBothTrucks() {
        // A camera only 3 m before the portal: a truck covers that in less than the clocks' tolerance
        // allows to tell, so a read 0.1 s before the first truck's entry may be either truck's.
        let a = event("radiation.occupancy-start", at: 10, device: "rpm", data: ["startedAt": time(10)])
        let read = event("ocr.read", at: 9.9, device: "near-cam", plates: ["51C77777"])
        let aEnd = event("radiation.occupancy", at: 16, device: "rpm", data: ["startedAt": time(10), "endedAt": time(16)])
        let b = event("radiation.occupancy-start", at: 17, device: "rpm", data: ["startedAt": time(17)])
        let bEnd = event("radiation.occupancy", at: 23, device: "rpm", data: ["startedAt": time(17), "endedAt": time(23)])
        let passages = run([read, a, aEnd, b, bEnd])
        #expect(passages.count == 2)
        for p in passages {
            #expect(p.plates == ["51C77777"])
            #expect(p.ambiguities.first?.candidates == [a.id, b.id])
        }
    }

    @Test func aCameraFarBeforeThePortalWithRoomForSeveralTrucksFlagsItsReads() {
        // 25 m before the portal, 10 m vehicles: up to three trucks between camera and portal.
        let trucks = queue(spacing: 6)
        let passages = run(events(trucks, camera: "far-cam"))
        #expect(passages.count == 3)
        #expect(passages.allSatisfy { $0.ambiguous })
        #expect(passages[0].ambiguities.first?.reason.contains("room for 3 vehicles") == true)
        // Never silently: each truck's own plate is on its own passage.
        for (p, t) in zip(passages, trucks) { #expect(p.plates.contains(t.plate)) }
    }

    @Test func aLateScanJoinsItsTruckByContainerAsANewRevision() {
        let trucks = queue(spacing: 11)
        var a = PassageAssembler(layout: Self.layout)
        var first: [Passage] = []
        for e in events(trucks) { first += a.observe(e) }
        first += a.close(before: Self.t0.addingTimeInterval(400))
        #expect(first.count == 3 && first.allSatisfy { $0.revision == 1 && $0.scanEvent == nil })
        // Judged suspect ten minutes later; the scan began 40 s after truck 2 left the portal.
        let scan = event(
            "scan.result", at: trucks[1].leaves + 40, device: "scanner", containers: [trucks[1].container],
            data: ["atdResult": "suspect"], severity: .alarm, arrives: 600)
        let revised = a.observe(scan)
        #expect(revised.count == 1)
        #expect(revised.first?.id == first[1].id && revised.first?.revision == 2)
        #expect(revised.first?.scanEvent == scan.id && revised.first?.scanSuspect == true)
        #expect(revised.first?.plates == [trucks[1].plate])
    }

    @Test func aScanWithoutIdentifiersGoesByOrderAndIsFlaggedWhenTwoTrucksCouldHaveReachedTheScanner() {
        let trucks = queue(spacing: 6)
        // 30 m on: three 10 m vehicles fit between the portal and the scanner.
        let scan = event("scan.result", at: trucks[2].leaves + 2, device: "scanner", data: ["atdResult": "clear"])
        let passages = run(events(trucks) + [scan])
        let holding = passages.filter { $0.events.contains(scan.id) }
        #expect(holding.count > 1)
        #expect(holding.allSatisfy { $0.ambiguities.contains { $0.event == scan.id } })
    }

    @Test func anOperatorResolvesAnAmbiguousRead() throws {
        let a = event("radiation.occupancy-start", at: 10, device: "rpm", data: ["startedAt": time(10)])
        let read = event("ocr.read", at: 9.9, device: "near-cam", plates: ["51C77777"])
        let aEnd = event("radiation.occupancy", at: 16, device: "rpm", data: ["startedAt": time(10), "endedAt": time(16)])
        let b = event("radiation.occupancy-start", at: 17, device: "rpm", data: ["startedAt": time(17)])
        let bEnd = event("radiation.occupancy", at: 23, device: "rpm", data: ["startedAt": time(17), "endedAt": time(23)])
        var asm = PassageAssembler(layout: Self.layout)
        var out: [Passage] = []
        for e in [read, a, aEnd, b, bEnd] { out += asm.observe(e) }
        out += asm.close(before: Self.t0.addingTimeInterval(1000))
        #expect(out.count == 2 && out.allSatisfy(\.ambiguous))
        let resolved = asm.resolve(event: read.id, to: b.id)
        let revised = try #require(resolved)
        #expect(Set(revised.map(\.id)) == [a.id, b.id])
        #expect(revised.allSatisfy { $0.revision == 2 && !$0.ambiguous })
        #expect(revised.first { $0.id == a.id }?.plates == [])
        #expect(revised.first { $0.id == b.id }?.plates == ["51C77777"])
        let unknown = asm.resolve(event: "no-such-event", to: b.id)
        #expect(unknown == nil)
    }

    @Test func aCameraThatReadsTheNeighbouringLanesPlateIsFlaggedInBothLanes() {
        let lane1 = events([Truck(plate: "51C00001", container: "CSQU3054383", readAt: 0, enters: 3, leaves: 10)])
        let lane2 = events([Truck(plate: "51C00002", container: "TCNU7200794", readAt: 1, enters: 4, leaves: 11)], lane: "2")
        // Lane 1's camera also catches lane 2's plate.
        let stray = event("ocr.read", at: 1.1, lane: "1", device: "cam", plates: ["51C00002"])
        let passages = run((lane1 + lane2 + [stray]).sorted { $0.receivedAt < $1.receivedAt })
        #expect(passages.count == 2)
        let p1 = passages.first { $0.lane == "1" }!, p2 = passages.first { $0.lane == "2" }!
        #expect(p1.ambiguities.contains { $0.event == stray.id && $0.candidates == [p1.id, p2.id] })
        #expect(p2.ambiguities.contains { $0.candidates.contains(p1.id) })
        #expect(p1.plates.contains("51C00001"))
    }

    /// Lane 1 closed (its portal offline) and its queue sent through lane 2, past lane 1's camera,
    /// which still catches two of the plates: lane 2 keeps each truck's own reads and the alarm on
    /// the middle one; each stray read of lane 1 is flagged with the lane 2 passage it belongs to.
    @Test func aClosedLanesQueueThroughTheNeighbourKeepsItsEvidenceAndFlagsTheClosedLanesReads() {
        let trucks = queue(spacing: 8)
        let down = event("device.status", at: -30, lane: "1", device: "rpm", data: ["state": "offline"])
        let strays = trucks.prefix(2).map { event("ocr.read", at: $0.readAt + 0.3, lane: "1", device: "cam", plates: [$0.plate]) }
        let passages = run(([down] + events(trucks, lane: "2") + strays).sorted { $0.receivedAt < $1.receivedAt })
        let lane2 = passages.filter { $0.lane == "2" }
        #expect(lane2.map(\.plates) == trucks.map { [$0.plate] })
        #expect(lane2.map(\.containers) == trucks.map { [$0.container] })
        #expect(lane2.map(\.gammaAlarm) == [false, true, false])
        for (stray, owner) in zip(strays, lane2) {
            let holders = passages.filter { $0.events.contains(stray.id) }
            #expect(holders.map(\.lane) == ["1"], "the stray read stays in the lane that read it")
            #expect(holders.first?.ambiguities.contains { $0.event == stray.id && $0.candidates.contains(owner.id) } == true)
            #expect(owner.ambiguities.contains { $0.candidates.contains(holders.first?.id ?? "") })
        }
        #expect(passages.filter { $0.lane == "1" }.allSatisfy { $0.gammaAlarm == nil })
    }

    @Test func aPortalThatGoesOfflineWithATruckInsideClosesItsPassageWithoutARadiationResult() {
        let read = event("ocr.read", at: 0, device: "cam", plates: ["51C00001"])
        let start = event("radiation.occupancy-start", at: 3, device: "rpm", data: ["startedAt": time(3)])
        let down = event("device.status", at: 5, device: "rpm", data: ["state": "offline"])
        var a = PassageAssembler(layout: Self.layout)
        var out: [Passage] = []
        for e in [read, start, down] { out += a.observe(e) }
        #expect(out.isEmpty)
        out += a.close(before: Self.t0.addingTimeInterval(5 + PassageWindows().afterS + 1))
        #expect(out.count == 1, "stored once the after-window of the cut has passed, not after maxOccupancyS")
        #expect(out.first?.plates == ["51C00001"] && out.first?.missing == ["radiation", "scan"])
        #expect(out.first?.devicesDown == ["rpm"])
    }

    @Test func aRestartedHubRebuildsItsLanesAndRevisesWhatItStoredBefore() {
        let trucks = queue(spacing: 11)
        let all = events(trucks)
        var before = PassageAssembler(layout: Self.layout)
        var stored: [Passage] = []
        // The hub stops after truck 2 left and its passage was stored; truck 3 is still in the lane.
        let cut = all.firstIndex { $0.kind == "radiation.occupancy" && $0.observedAt == Self.t0.addingTimeInterval(trucks[2].leaves) }!
        for e in all[..<cut] { stored += before.observe(e) }
        stored += before.close(before: Self.t0.addingTimeInterval(trucks[1].leaves + PassageWindows().afterS + 1))
        #expect(stored.map(\.id).count == 2)
        var after = PassageAssembler(layout: Self.layout)
        let due = after.restore(Array(all[..<cut]), stored: Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0.revision) }))
        #expect(due.isEmpty, "what was stored is not stored again")
        // The rest of the lane's events after the restart, and a late scan of truck 1.
        var out: [Passage] = []
        for e in all[cut...] { out += after.observe(e) }
        let scan = event("scan.result", at: trucks[0].leaves + 30, device: "scanner", containers: [trucks[0].container],
                         data: ["atdResult": "clear"], arrives: trucks[2].leaves + 200)
        out += after.observe(scan)
        out += after.close(before: Self.t0.addingTimeInterval(100_000))
        let latest = PassageAssemblerTests.latest(out)
        #expect(latest.count == 2)
        #expect(latest.first { $0.id == stored[0].id }?.revision == 2)
        #expect(latest.first { $0.id == stored[0].id }?.scanEvent == scan.id)
        #expect(latest.first { $0.id != stored[0].id }?.plates == [trucks[2].plate])
        #expect(latest.first { $0.id != stored[0].id }?.revision == 1)
    }

    @Test func theOccupancyBeforeItsStartStillMakesOneVehicle() {
        let start = event("radiation.occupancy-start", at: 3, device: "rpm", data: ["startedAt": time(3)], arrives: 12)
        let end = event("radiation.occupancy", at: 10, device: "rpm", data: ["startedAt": time(3), "endedAt": time(10)], arrives: 10)
        let read = event("ocr.read", at: 0, device: "cam", plates: ["51C00001"])
        let passages = run([read, end, start])
        #expect(passages.count == 1)
        #expect(passages[0].entry == start.id && passages[0].occupancy == end.id && passages[0].plates == ["51C00001"])
    }
}
