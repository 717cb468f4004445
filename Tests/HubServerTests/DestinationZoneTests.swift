import Testing

@testable import HubServer

/// Where an unlock needs one supervisor: within the radius of a transit's destination.
struct DestinationZoneTests {
    static let corridor: [[Double]] = [[10.76, 106.79], [10.90, 106.50], [11.07, 106.19]]

    @Test func insideTheRadiusOfTheDestinationOnly() {
        let near = DestinationZone.verdict(position: (11.0705, 106.1905), corridors: [("D1", Self.corridor)], radiusM: 1000)
        guard case .inside(let m) = near else { Issue.record("\(near)"); return }
        #expect(m > 50 && m < 100, "about 76 m: \(m)")
        // At the origin: allowed for stops, but an unlock there is not at the destination.
        let origin = DestinationZone.verdict(position: (10.76, 106.79), corridors: [("D1", Self.corridor)], radiusM: 1000)
        #expect(origin.sentence.hasPrefix("outside the destination zone") && origin.sentence.hasSuffix("of D1"), "\(origin.sentence)")
    }

    @Test func noPositionOrNoTransitIsNeverInside() {
        #expect(DestinationZone.verdict(position: nil, corridors: [("D1", Self.corridor)], radiusM: 1000)
            == .outside("the seal has reported no position"))
        #expect(DestinationZone.verdict(position: (11.07, 106.19), corridors: [], radiusM: 1000)
            == .outside("no transit declaration with a corridor names this seal"))
    }
}
