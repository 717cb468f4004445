import Foundation
import HubCorrelation
import HubModel
import HubSimulation
import PropertyBased
import Testing

/// Random queues through one or two lanes (`LaneTraffic`: real lane physics, clock skew, missed,
/// doubled, misread and neighbouring-lane reads, stops in and before the portal, late scans) fed
/// to the assembler in hub-arrival order, and every read and scan graded against the ground truth
/// (`AttributionCheck`). A failing queue shrinks (PropertyBased): fewer trucks, then each truck's
/// fields towards their plainest value (no stop, no fault, no scan, nose to tail, one lane).
struct LaneAttributionPropertyTests {
    /// One truck from small integers, each 0 at its plainest, so the library's shrinkers simplify it.
    static let truck = zip(
        zip(Gen.int(in: 0...1), Gen.int(in: 0...8), Gen.int(in: 0...22), Gen.int(in: 0...120), Gen.int(in: 0...2)),
        zip(Gen.int(in: 0...100), Gen.int(in: 0...60), Gen.int(in: 0...2), Gen.bool(0.1), Gen.int(in: 0...3)),
        zip(Gen.bool(0.1), Gen.bool(0.1), Gen.bool(0.1), Gen.bool(0.1), Gen.bool(0.15))
    ).map { drive, load, faults in
        let (lane, length, speed, headway, stopKind) = drive
        let (stopAt, stopS, containers, gamma, scan) = load
        var t = TruckPlan(
            lane: lane, lengthM: 12 + Double(length), speedKmh: 3 + Double(speed), headwayS: Double(headway), containers: containers,
            gammaAlarm: gamma)
        // 1: inside the portal (front between 1 m and length − 1 m in); 2: before it (1–30 m).
        if stopKind == 1 { t.stop = .init(atM: 1 + (t.lengthM - 2) * Double(stopAt) / 100, seconds: 10 + Double(stopS)) }
        if stopKind == 2 { t.stop = .init(atM: -1 - 29 * Double(stopAt) / 100, seconds: 5 + Double(stopS)) }
        // 1: clear at once; 2: suspect at once; 3: clear, judged minutes later.
        if scan > 0 { t.scan = .init(suspect: scan == 2, delayS: scan == 3 ? 600 : 40) }
        t.faults = .init(missPlate: faults.0, missContainer: faults.1, duplicate: faults.2, misread: faults.3, neighbourRead: faults.4)
        return t
    }

    /// A queue: 1–8 trucks, one or two lanes, each device's clock off by under ±0.25 s, arrival jitter.
    static let queue = zip(
        truck.array(of: 1...8), Gen.int(in: 0...1), Gen.int(in: -249...249).array(of: 8...8), Gen.int(in: 0...500)
    ).map { trucks, extraLane, skews, jitterMs in
        let lanes = (1...(1 + extraLane)).map { LaneDevices.standard(lane: $0) }
        let devices = lanes.flatMap { $0.positions.keys.sorted() }
        let skew = Dictionary(uniqueKeysWithValues: zip(devices, skews).map { ($0, Double($1) / 1000) })
        return QueuePlan(lanes: lanes.count, trucks: trucks, skewS: skew, jitterS: Double(jitterMs) / 1000)
    }

    /// Soundness: no read or scan lands silently on another truck, every alarm sits on its truck's
    /// passage, and every truck has a passage of its own.
    @Test func nothingGoesSilentlyToAnotherTruck() async {
        await propertyCheck(count: 1000, input: Self.queue) { plan in
            let check = Self.check(LaneTraffic(plan: plan))
            #expect(check.sound, "\(check.problems.joined(separator: "\n"))")
        }
    }

    /// Completeness: every read and scan is on its truck's passage, or flagged with it among the
    /// candidates; none is left in a loose group.
    @Test func everyReadAndScanGoesToItsTruckOrIsFlaggedWithIt() async {
        await propertyCheck(count: 1000, input: Self.queue) { plan in
            let check = Self.check(LaneTraffic(plan: plan))
            let loose = check.verdicts.filter { $0.value == .unattributed }.map(\.key).sorted()
            #expect(check.count(.right) + check.count(.ambiguous) == check.evidence, "unattributed: \(loose) of \(check.evidence)")
        }
    }

    @Test func aSeededQueueIsTheSameQueueEveryTime() {
        let a = LaneTraffic(trucks: 50, seed: 7, lanes: 2), b = LaneTraffic(trucks: 50, seed: 7, lanes: 2)
        #expect(a.events == b.events)
        #expect(a.truth.evidence == b.truth.evidence)
        #expect(LaneTraffic(trucks: 50, seed: 8, lanes: 2).events != a.events)
    }

    /// The world keeps the physics the assembler relies on: trucks in a lane cross the portal in
    /// order, never two at once, and each plate is read before its truck enters the portal.
    @Test func theWorldKeepsLanePhysics() {
        let world = LaneTraffic(trucks: 400, seed: 3)
        var entries: [Int: Double] = [:], exits: [Int: Double] = [:], plates: [Int: Double] = [:]
        for h in world.happenings {
            switch h.what {
            case .entry: entries[h.truck] = h.at
            case .exit: exits[h.truck] = h.at
            case .plateRead where h.device.hasPrefix("ocr-front"): plates[h.truck] = plates[h.truck] ?? h.at
            default: break
            }
        }
        #expect(entries.count == 400 && exits.count == 400)
        for i in 1..<400 {
            #expect(entries[i]! > exits[i - 1]!, "truck \(i + 1) entered before truck \(i) left")
        }
        for (i, t) in plates { #expect(t < entries[i]!) }
        // Some trucks queue close enough that a plate is read while the truck ahead is inside.
        let readWhileAheadInside = (1..<400).filter { i in (plates[i] ?? .infinity) < exits[i - 1]! }
        #expect(!readWhileAheadInside.isEmpty)
    }

    static func check(_ world: LaneTraffic) -> AttributionCheck { world.check(world.assemble()) }
}
