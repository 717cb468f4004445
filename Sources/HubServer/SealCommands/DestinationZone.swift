import HubCorrelation
import HubModel

/// Whether a seal stands in its transit's destination zone, where one supervisor may unlock it:
/// within `radiusM` of the corridor's last point (the transit watch's own notion of the destination).
enum DestinationZone {
    enum Verdict: Equatable {
        /// In the zone: the distance to the destination, metres.
        case inside(Double)
        /// Outside it, or where that cannot be told; the sentence says which.
        case outside(String)

        var sentence: String {
            switch self {
            case .inside(let m): "in the destination zone, \(Int(m.rounded())) m from the destination"
            case .outside(let why): why
            }
        }
    }

    /// The verdict for the unit's last position `at` against the corridors of the transits naming it.
    static func verdict(position: (lat: Double, lon: Double)?, corridors: [(declaration: String, line: [[Double]])], radiusM: Double)
        -> Verdict
    {
        guard !corridors.isEmpty else { return .outside("no transit declaration with a corridor names this seal") }
        guard let p = position else { return .outside("the seal has reported no position") }
        var nearest: (declaration: String, m: Double)?
        for c in corridors {
            guard let end = c.line.last, end.count == 2 else { continue }
            let m = Geo.distanceM(p.lat, p.lon, end[0], end[1])
            if m <= radiusM { return .inside(m) }
            if nearest == nil || m < nearest!.m { nearest = (c.declaration, m) }
        }
        guard let nearest else { return .outside("the transit's corridor has no destination point") }
        return .outside(
            "outside the destination zone: \(Int((nearest.m / 1000).rounded())) km from the destination of \(nearest.declaration)")
    }
}
