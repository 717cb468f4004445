/// How one vehicle drives through a lane: at its own speed, with at most one stop, never closer to
/// the vehicle ahead than `spacing` front to front (that vehicle's length plus the least gap). When
/// it catches up it follows at the leader's pace; when the leader pulls away it resumes its own.
/// Everything is exact piecewise-linear motion, so crossings are times, not samples.
struct Driver: Sendable {
    /// Where the simulated stretch of lane begins and ends, metres from the portal.
    static let start = -60.0
    static let exit = 60.0

    /// Metres per second while free.
    var speed: Double
    /// The earliest moment its front may be at `start`.
    var arrival: Double
    /// A stop with the front at `at` (metres, before `exit`) for `seconds`.
    var stop: (at: Double, seconds: Double)?

    func drive(behind leader: Trajectory?, spacing s: Double) -> Trajectory {
        var t = arrival, x = Self.start
        if let l = leader { t = max(t, l.time(reaching: Self.start + s)) }
        var points = [Trajectory.Point(t: t, x: x)]
        var stop = self.stop
        var following = false
        var tail = speed
        func mark() {
            if let last = points.last, last.t == t { points[points.count - 1].x = max(last.x, x) } else { points.append(.init(t: t, x: x)) }
        }
        while true {
            let target = stop?.at ?? Self.exit
            if !following || leader == nil {
                let arrive = t + (target - x) / speed
                if let l = leader, let caught = Self.catchUp(l, spacing: s, from: t, x, speed: speed, until: arrive) {
                    x = min(target, x + speed * (caught - t))
                    t = caught
                    mark()
                    following = true
                    continue
                }
                t = arrive
                x = target
                mark()
                tail = speed
            } else {
                let l = leader!
                let u = l.speed(at: t)
                if u > speed + 1e-9 {
                    following = false
                    continue
                }
                let next = l.nextBreak(after: t) ?? .infinity
                let reach = u > 1e-9 ? t + (target - x) / u : .infinity
                if reach > next {
                    t = next
                    x = max(x, min(target, l.position(at: next) - s))
                    mark()
                    continue
                }
                t = reach
                x = target
                mark()
                tail = u
            }
            guard let st = stop else { break }
            t += st.seconds
            mark()
            stop = nil
            following = false
        }
        return Trajectory(points: points, tailSpeed: max(tail, 0.1), headSpeed: speed)
    }

    /// The first moment in [t, until] when a vehicle at `x` (at `t`) moving at `speed` closes up
    /// to `spacing` behind `leader` while the leader is no faster: nil if it never does.
    static func catchUp(_ leader: Trajectory, spacing s: Double, from t: Double, _ x: Double, speed v: Double, until end: Double)
        -> Double?
    {
        func gap(_ τ: Double) -> Double { leader.position(at: τ) - s - (x + v * (τ - t)) }
        var a = t
        while a < end {
            let b = min(end, leader.nextBreak(after: a) ?? end)
            let ga = gap(a), gb = gap(b)
            if ga <= 1e-7, leader.speed(at: a) <= v + 1e-9 { return a }
            if ga > 1e-7, gb <= 0 { return a + ga * (b - a) / (ga - gb) }
            if b <= a { break }
            a = b
        }
        return nil
    }
}
