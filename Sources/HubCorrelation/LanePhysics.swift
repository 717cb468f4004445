import Foundation
import HubModel

/// Which vehicles of a lane a device could have seen at a moment, from where it stands and how
/// vehicles move: in one file, never overtaking, no shorter than `minVehicleLengthM` front to
/// front, no faster than `maxSpeedKmh`, with the devices' clocks within `clockToleranceS` of the
/// portal's. Pure: times in, vehicle indices out.
struct LanePhysics {
    /// A vehicle as the portal saw it: its front entered at `enteredAt`, its rear left at `leftAt`.
    struct Crossing {
        var enteredAt: Date
        var leftAt: Date?
    }

    /// The vehicles that could have produced the reading, and whether one not seen yet still could.
    struct Candidates: Equatable {
        var indices: [Int]
        var open: Bool
        /// Why more than one is possible, in words an operator reads.
        var reason: String
    }

    let windows: PassageWindows

    private var tolerance: Double { windows.clockToleranceS }
    private var metresPerSecond: Double { max(windows.maxSpeedKmh, 0.1) / 3.6 }

    /// How many vehicles' fronts fit between the device and the portal, counting the one read.
    func reach(_ x: Double) -> Int { Int((abs(x) / max(windows.minVehicleLengthM, 0.1)).rounded(.down)) + 1 }

    /// Seconds a vehicle needs at least to cover the distance between the device and the portal.
    func lead(_ x: Double) -> Double { abs(x) / metresPerSecond }

    /// A device before the portal (x < 0) reads a vehicle's front as it passes: that vehicle enters
    /// the portal at least `lead` later, and the `reach`-th vehicle ahead of it had entered already.
    /// A vehicle may stand between the camera and the portal for long (a queue, a document check):
    /// the first to enter after the read is a candidate however long it took, unless the camera
    /// read another vehicle in between (`nextRead`: then this one turned away); the ones after it
    /// only within the before-window.
    func before(_ x: Double, at t: Date, _ v: [Crossing], now: Date, nextRead: () -> Date? = { nil }) -> Candidates {
        let c = reach(x), lead = lead(x)
        var out: [Int] = []
        let first = v.partitionPoint { $0.enteredAt.timeIntervalSince(t) >= lead - tolerance }
        var i = first
        while i < v.count {
            let after = v[i].enteredAt.timeIntervalSince(t)
            if after > windows.beforeS + tolerance {
                guard i == first, nextRead().map({ v[i].enteredAt.timeIntervalSince($0) < lead - tolerance }) ?? true else { break }
            }
            if i - c < 0 || t.timeIntervalSince(v[i - c].enteredAt) > -tolerance { out.append(i) } else { break }
            i += 1
        }
        let n = v.count
        // A vehicle not seen yet could still be it: within the before-window, or while none has
        // entered since the read, as long as a vehicle may stand in the lane.
        let wait = first == n ? windows.beforeS + windows.maxOccupancyS : windows.beforeS
        let nextCould = (n - c < 0 || t.timeIntervalSince(v[n - c].enteredAt) > -tolerance)
            && now.timeIntervalSince(t) <= wait + tolerance
        // Words for an operator only where there is a choice to explain (formatting is not free).
        let reason = out.count < 2 ? "" : c > 1
            ? "the camera stands \(Self.metres(x)) before the portal, room for \(c) vehicles between them"
            : "read as a vehicle was entering the portal, within the clocks' tolerance of \(Self.seconds(tolerance))"
        return Candidates(indices: out, open: nextCould, reason: reason)
    }

    /// A device after the portal (x > 0) that reads a vehicle's rear as it passes (a rear camera):
    /// that vehicle left the portal at least `lead` before, and the `reach`-th one behind it had not.
    func afterRear(_ x: Double, at t: Date, _ v: [Crossing], now: Date) -> Candidates {
        let c = reach(x), lead = lead(x)
        var out: [Int] = []
        var stillInside = false
        for i in v.partitionPoint(where: { t.timeIntervalSince($0.enteredAt) <= longest }) ..< v.count {
            let w = v[i]
            guard let left = w.leftAt else {
                if w.enteredAt.timeIntervalSince(t) <= tolerance { stillInside = true }
                continue
            }
            let since = t.timeIntervalSince(left)
            guard since >= lead - tolerance, since <= windows.afterS + tolerance else { continue }
            if i + c < v.count, let behind = v[i + c].leftAt, t.timeIntervalSince(behind) >= tolerance { continue }
            out.append(i)
        }
        let reason = out.count < 2 ? "" : "the camera stands \(Self.metres(x)) behind the portal, room for \(c) vehicles between them"
        return Candidates(indices: out, open: stillInside && now.timeIntervalSince(t) <= windows.afterS, reason: reason)
    }

    /// A device after the portal that sees a vehicle's front arrive (a scanner at +30 starting its
    /// scan): the front entered the portal at least `lead` before, the `reach`-th behind had not.
    func afterFront(_ x: Double, at t: Date, _ v: [Crossing]) -> Candidates {
        let c = reach(x), lead = lead(x)
        var out: [Int] = []
        for i in v.partitionPoint(where: { t.timeIntervalSince($0.enteredAt) <= longest }) ..< v.count {
            let since = t.timeIntervalSince(v[i].enteredAt)
            guard since >= lead - tolerance, since <= windows.beforeS + windows.afterS + windows.maxOccupancyS else { continue }
            if i + c < v.count, t.timeIntervalSince(v[i + c].enteredAt) >= tolerance { continue }
            out.append(i)
        }
        return Candidates(
            indices: out, open: false,
            reason: out.count < 2 ? "" : "the device stands \(Self.metres(x)) behind the portal, room for \(c) vehicles between them")
    }

    /// A device at the portal itself reads the vehicle inside.
    func atPortal(at t: Date, _ v: [Crossing], now: Date) -> Candidates {
        let out = (v.partitionPoint { t.timeIntervalSince($0.enteredAt) <= longest } ..< v.count).filter { i in
            t.timeIntervalSince(v[i].enteredAt) >= -tolerance && t.timeIntervalSince(v[i].leftAt ?? now) <= tolerance
        }
        return Candidates(indices: out, open: false, reason: "read at the portal as one vehicle left and the next entered")
    }

    /// A device whose place in the lane is not configured: any vehicle whose windows hold the read.
    func anywhere(at t: Date, _ v: [Crossing], now: Date) -> Candidates {
        let out = (v.partitionPoint { t.timeIntervalSince($0.enteredAt) <= longest } ..< v.count).filter { i in
            let end = v[i].leftAt ?? v[i].enteredAt.addingTimeInterval(windows.maxOccupancyS)
            return t >= v[i].enteredAt.addingTimeInterval(-windows.beforeS) && t <= end.addingTimeInterval(windows.afterS)
        }
        return Candidates(
            indices: out, open: now.timeIntervalSince(t) <= windows.beforeS,
            reason: "the device has no position in the lane (site config), and the read falls within the windows of several vehicles")
    }

    /// No vehicle that entered longer ago than this before a read can have produced it: its
    /// longest stay in the portal plus the after-window (vehicles are searched from there on).
    private var longest: Double { windows.maxOccupancyS + windows.beforeS + windows.afterS + tolerance }

    static func metres(_ x: Double) -> String { String(format: "%g m", abs(x)) }
    static func seconds(_ s: Double) -> String { String(format: "%g s", s) }
}
