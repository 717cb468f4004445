import Foundation
import HubCorrelation
import HubModel
import Testing

/// A transit from Cat Lai (Ho Chi Minh City) north-west towards Moc Bai, watched fix by fix.
struct TransitWatchTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let corridor: [[Double]] = [[10.7600, 106.7900], [10.9000, 106.5000], [11.0700, 106.1900]]

    static func watch(end: Double = 8 * 3600) -> TransitWatch {
        TransitWatch(declaration: Declaration(
            number: "T1", type: .transit, office: "02CI", trader: .init(tin: "0301234567"), seals: ["SEAL1"],
            channel: .green,
            transit: .init(origin: "02CI", destination: "45BC", corridor: corridor, route: nil, bufferM: 500,
                           start: t0, end: t0.addingTimeInterval(end))))!
    }

    func at(_ minutes: Double) -> Date { Self.t0.addingTimeInterval(minutes * 60) }

    @Test func geometry() {
        // One minute of latitude is 1852 m.
        #expect(abs(Geo.distanceM(10, 106, 10 + 1.0 / 60, 106) - 1853) < 3)
        // A point beside the first leg's midpoint, about 1 km off.
        let mid = [(10.76 + 10.90) / 2, (106.79 + 106.50) / 2]
        #expect(Geo.distanceToPolylineM(mid[0], mid[1], Self.corridor) < 1)
        let off = Geo.distanceToPolylineM(mid[0] + 0.009, mid[1] + 0.0043, Self.corridor)
        #expect(off > 900 && off < 1150)
    }

    @Test func deviationAfterThreeFixesAndTheReturn() {
        var w = Self.watch()
        var found: [TransitWatch.Finding] = []
        found += w.fix(lat: 10.80, lon: 106.71, speedKmh: 50, at: at(10))  // on the corridor
        for i in 0..<3 { found += w.fix(lat: 10.86, lon: 106.70, speedKmh: 40, at: at(20 + Double(i))) }
        found += w.fix(lat: 10.90, lon: 106.50, speedKmh: 50, at: at(40))
        #expect(found.map(\.kind) == [.deviation, .returned])
        #expect(found[0].severity == .alarm && (found[0].distanceM ?? 0) > 500)
    }

    @Test func aLongStopOutsideTheZonesButNotAtTheOrigin() {
        var w = Self.watch()
        var found: [TransitWatch.Finding] = []
        for m in stride(from: 0.0, through: 30, by: 5) { found += w.fix(lat: 10.7601, lon: 106.7901, speedKmh: 0, at: at(m)) }
        #expect(found.isEmpty, "waiting at the origin is allowed")
        for m in stride(from: 40.0, through: 60, by: 5) { found += w.fix(lat: 10.90, lon: 106.50, speedKmh: 1, at: at(m)) }
        #expect(found.map(\.kind) == [.stop])
    }

    @Test func sealOpenedSignalLostOverdueAndArrival() {
        var w = Self.watch(end: 3600)
        #expect(w.seal(status: "opened", lat: 10.90, lon: 106.50, at: at(5)).map(\.kind) == [.seal])
        #expect(w.seal(status: "opened", lat: 10.7601, lon: 106.7901, at: at(6)).isEmpty, "at the origin")
        #expect(w.seal(status: "lock", lat: 10.90, lon: 106.50, at: at(7)).isEmpty)
        _ = w.fix(lat: 10.90, lon: 106.50, speedKmh: 60, at: at(10))
        #expect(w.tick(at(45)).map(\.kind) == [.signalLost])
        #expect(w.tick(at(61)).map(\.kind) == [.overdue])
        #expect(w.tick(at(90)).isEmpty, "each is said once")
        let back = w.fix(lat: 11.0700, lon: 106.1902, speedKmh: 20, at: at(95))
        #expect(back.map(\.kind) == [.signalRegained, .arrived])
        #expect(w.closed)
        #expect(w.fix(lat: 10.0, lon: 100.0, speedKmh: 0, at: at(100)).isEmpty)
    }
}

extension TransitWatchTests {
    @Test func aNamedRouteFromTheConfigServesAsTheCorridor() {
        let d = Declaration(
            number: "T2", type: .transit, office: "02CI", trader: .init(tin: "0301234567"), seals: ["SEAL2"],
            channel: .green,
            transit: .init(origin: "02CI", destination: "45BC", corridor: nil, route: "HCM-MOCBAI", bufferM: nil,
                           start: Self.t0, end: Self.t0.addingTimeInterval(3600)))
        #expect(TransitWatch(declaration: d) == nil, "no corridor without the route")
        var w = TransitWatch(declaration: d, routes: ["HCM-MOCBAI": Self.corridor])!
        var found: [TransitWatch.Finding] = []
        for i in 0..<3 { found += w.fix(lat: 10.86, lon: 106.70, speedKmh: 40, at: at(Double(i))) }
        #expect(found.map(\.kind) == [.deviation])
    }
}
