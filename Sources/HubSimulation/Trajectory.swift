import HubModel

/// Where a vehicle's front is along the lane over time: metres from the portal (negative before
/// it), as breakpoints joined by straight lines (constant speed, instant changes), never going
/// back. After the last breakpoint the vehicle goes on at `tailSpeed` (it has left the lane).
struct Trajectory: Sendable {
    struct Point: Sendable {
        var t: Double
        var x: Double
    }

    var points: [Point]
    /// Metres per second after the last point; also before the first (how it came).
    var tailSpeed: Double
    var headSpeed: Double

    /// The front's position at `t`.
    func position(at t: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if t <= first.t { return first.x - headSpeed * (first.t - t) }
        if t >= last.t { return last.x + tailSpeed * (t - last.t) }
        let k = segment(at: t)
        let a = points[k], b = points[k + 1]
        return b.t > a.t ? a.x + (b.x - a.x) * (t - a.t) / (b.t - a.t) : b.x
    }

    /// The first moment the front reaches `x`.
    func time(reaching x: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if x <= first.x { return first.t - (first.x - x) / max(headSpeed, 1e-9) }
        if x > last.x { return last.t + (x - last.x) / max(tailSpeed, 1e-9) }
        // The first point at or past x: positions never decrease.
        let lo = points.partitionPoint { $0.x >= x }
        guard lo > 0 else { return points[0].t }
        let a = points[lo - 1], b = points[lo]
        return a.t + (b.t - a.t) * (x - a.x) / (b.x - a.x)
    }

    /// Speed on the stretch that starts at or before `t` (right-continuous).
    func speed(at t: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if t < first.t { return headSpeed }
        if t >= last.t { return tailSpeed }
        let k = segment(at: t)
        let a = points[k], b = points[k + 1]
        return b.t > a.t ? (b.x - a.x) / (b.t - a.t) : 0
    }

    /// The next breakpoint strictly after `t`, if any.
    func nextBreak(after t: Double) -> Double? {
        guard let last = points.last, t < last.t else { return nil }
        return points[segment(at: t) + 1].t
    }

    /// Index k with points[k].t <= t < points[k+1].t (for t inside the breakpoints).
    private func segment(at t: Double) -> Int {
        min(max(points.partitionPoint { $0.t > t } - 1, 0), points.count - 2)
    }
}
