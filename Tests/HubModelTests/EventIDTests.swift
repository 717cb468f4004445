import Foundation
import HubModel
import Testing

struct EventIDTests {
    @Test func idsAreULIDsSortedByArrival() {
        let gen = EventIDGenerator()
        let t = Date(timeIntervalSince1970: 1_764_000_000)
        var ids: [String] = []
        // Many in one millisecond, then later ones, then a clock that stepped back.
        for _ in 0..<10_000 { ids.append(gen.next(at: t)) }
        ids.append(gen.next(at: t.addingTimeInterval(0.001)))
        ids.append(gen.next(at: t.addingTimeInterval(-5)))
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 26 && $0.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) } })
        // The time prefix encodes the millisecond: 1764000000000 ms.
        #expect(ids[0].prefix(10) == "01KAV9FT00")
    }
}
