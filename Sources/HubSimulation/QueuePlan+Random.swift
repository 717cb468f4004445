extension QueuePlan {
    /// A random queue, the same for the same seed: gaps from nose to tail (a third of the trucks)
    /// to minutes, a stop inside the portal or before it for about one truck in seven, a few percent
    /// of missed, doubled and misread reads, gamma alarms on 5 %, scans of a third of the trucks
    /// with containers (a tenth suspect, a third of them judged minutes later), device clocks off by
    /// up to half of `clockToleranceS` each.
    public static func random(trucks n: Int, seed: UInt64, lanes: [LaneDevices], clockToleranceS: Double = 0.5) -> QueuePlan {
        var rng = SeededRandom(seed: seed)
        var trucks: [TruckPlan] = []
        trucks.reserveCapacity(n)
        for _ in 0..<max(0, n) {
            var t = TruckPlan()
            t.lane = Int.random(in: 0..<max(1, lanes.count), using: &rng)
            t.lengthM = rng.uniform(12...20)
            t.speedKmh = rng.uniform(3...25)
            let gap = rng.uniform(0...1)
            t.headwayS = gap < 0.35 ? 0 : gap < 0.65 ? rng.uniform(1...15) : gap < 0.9 ? rng.uniform(15...90) : rng.uniform(90...300)
            let stop = rng.uniform(0...1)
            if stop < 0.08 {
                t.stop = .init(atM: rng.uniform(1...(t.lengthM - 1)), seconds: rng.uniform(10...60))
            } else if stop < 0.15 {
                t.stop = .init(atM: rng.uniform(-30 ... -1), seconds: rng.uniform(5...40))
            }
            let load = rng.uniform(0...1)
            t.containers = load < 0.15 ? 0 : load < 0.7 ? 1 : 2
            t.gammaAlarm = rng.chance(0.05)
            if t.containers > 0, rng.chance(1.0 / 3) {
                t.scan = .init(suspect: rng.chance(0.1), delayS: rng.chance(0.7) ? rng.uniform(35...90) : rng.uniform(120...900))
            }
            t.faults = .init(
                missPlate: rng.chance(0.03), missContainer: rng.chance(0.03), duplicate: rng.chance(0.04), misread: rng.chance(0.03),
                neighbourRead: lanes.count > 1 && rng.chance(0.05))
            trucks.append(t)
        }
        var skew: [String: Double] = [:]
        // A millisecond short of half: the hub keeps times to the millisecond.
        let half = max(0, clockToleranceS / 2 - 0.001)
        for lane in lanes {
            for device in lane.positions.keys.sorted() { skew[device] = rng.uniform(-half...half) }
        }
        return QueuePlan(lanes: lanes.count, trucks: trucks, skewS: skew, jitterS: 0.5)
    }
}
