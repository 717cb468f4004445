import Foundation

/// A path between waypoints that simulated trackers and receivers move along at a steady speed,
/// so positions change visibly on the map and tests can predict them.
struct Route: Sendable {
    let points: [(lat: Double, lon: Double)]
    private let cumulative: [Double]

    /// Moc Bai border gate towards Ho Chi Minh City along highway 22: a transit corridor.
    static let corridor = Route([
        (11.0720, 106.1950), (11.0461, 106.2291), (11.0105, 106.2864), (10.9742, 106.3590), (10.9288, 106.4355),
        (10.8850, 106.5210), (10.8521, 106.6010),
    ])

    init(_ points: [(lat: Double, lon: Double)]) {
        self.points = points
        var c = [0.0]
        for i in 1..<points.count { c.append(c[i - 1] + Self.metres(points[i - 1], points[i])) }
        cumulative = c
    }

    /// `"lat,lon;lat,lon;…"`, as `--route` takes it.
    init?(text: String) {
        let pts = text.split(separator: ";").compactMap { pair -> (lat: Double, lon: Double)? in
            let f = pair.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard f.count == 2, abs(f[0]) <= 90, abs(f[1]) <= 180 else { return nil }
            return (f[0], f[1])
        }
        guard pts.count >= 2 else { return nil }
        self.init(pts)
    }

    var lengthM: Double { cumulative.last ?? 0 }

    /// Where a vehicle is after `metres`, and its course; it turns back at the end, as a shuttle would.
    func position(after metres: Double) -> (lat: Double, lon: Double, courseDeg: Double) {
        let total = lengthM
        var d = metres.truncatingRemainder(dividingBy: 2 * total)
        if d < 0 { d += 2 * total }
        let back = d > total
        if back { d = 2 * total - d }
        var i = 1
        while i < cumulative.count - 1, cumulative[i] < d { i += 1 }
        let a = points[i - 1], b = points[i]
        let span = cumulative[i] - cumulative[i - 1]
        let f = span > 0 ? (d - cumulative[i - 1]) / span : 0
        let lat = a.lat + (b.lat - a.lat) * f, lon = a.lon + (b.lon - a.lon) * f
        var course = atan2((b.lon - a.lon) * cos(a.lat * .pi / 180), b.lat - a.lat) * 180 / .pi
        if back { course += 180 }
        return (lat, lon, (course + 360).truncatingRemainder(dividingBy: 360))
    }

    private static func metres(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double)) -> Double {
        let r = 6_371_000.0, rad = Double.pi / 180
        let dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * rad) * cos(b.lat * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, h.squareRoot()))
    }
}
