import Foundation
import HubCorrelation
import HubModel
import Testing

/// The transit map's picture of one transit, fed fix by fix with the watch's own findings.
struct TransitPictureTests {
    func at(_ minutes: Double) -> Date { TransitWatchTests.t0.addingTimeInterval(minutes * 60) }

    /// Feeds a fix to both, as the transit service does.
    func fix(_ w: inout TransitWatch, _ p: inout TransitPicture, _ lat: Double, _ lon: Double, _ minute: Double) {
        let found = w.fix(lat: lat, lon: lon, speedKmh: 50, at: at(minute))
        p.fix(lat: lat, lon: lon, at: at(minute))
        for f in found { p.apply(f) }
    }

    @Test func aDeviationMarksWhereItLeftAndTheReturnClearsTheStatus() {
        var w = TransitWatchTests.watch()
        var p = TransitPicture(watch: w, seal: "SEAL1", origin: "02CI", destination: "45BC")
        #expect(p.corridor == TransitWatchTests.corridor && p.bufferM == 500 && p.status == .onRoute && p.position == nil)
        fix(&w, &p, 10.80, 106.71, 10)  // on the corridor
        fix(&w, &p, 10.86, 106.70, 20)  // about 5 km off: where it left
        fix(&w, &p, 10.87, 106.69, 21)
        #expect(p.status == .onRoute, "two fixes outside are not yet a deviation")
        fix(&w, &p, 10.88, 106.68, 22)
        #expect(p.status == .deviated && p.deviations == 1)
        #expect(p.leftAt?.lat == 10.86 && p.leftAt?.at == at(20))
        #expect(p.track.map(\.outside) == [false, true, true, true])
        #expect((p.track[1].distanceM) > 4000)
        fix(&w, &p, 10.90, 106.50, 40)
        #expect(p.status == .onRoute && p.deviations == 1 && p.leftAt?.lat == 10.86, "the last deviation stays marked")
        #expect(p.position?.lat == 10.90 && p.track.count == 5)
    }

    @Test func sealAlarmOutranksOverdueAndTheTrackIsBounded() {
        var w = TransitWatchTests.watch(end: 600)
        var p = TransitPicture(watch: w, seal: "SEAL1", origin: "02CI", destination: "45BC")
        for f in w.tick(at(11)) { p.apply(f) }
        #expect(p.status == .overdue)
        for f in w.seal(status: "tampered", lat: 10.90, lon: 106.50, at: at(12)) { p.apply(f) }
        #expect(p.status == .sealAlarm && p.sealReport == "tampered")
        for i in 0..<(TransitPicture.trackLimit + 20) { p.fix(lat: 10.80, lon: 106.71, at: at(20 + Double(i))) }
        #expect(p.track.count == TransitPicture.trackLimit)
        #expect(p.track.first?.at == at(40), "the oldest positions go first")
    }
}
