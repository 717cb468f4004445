import Foundation
import HubCorrelation
import HubModel

extension LaneTraffic {
    /// The world's events through a `PassageAssembler` laid out like the world's lanes, in the
    /// order they reach the hub (the hub's clock advancing with them), then flushed: every
    /// passage and revision it stored.
    public func assemble(windows: PassageWindows = PassageWindows()) -> [Passage] {
        var a = PassageAssembler(windows: windows, layout: LaneLayout(positions: positions))
        var out: [Passage] = []
        for e in events {
            out += a.close(before: e.receivedAt)
            out += a.observe(e)
        }
        out += a.flush()
        return out
    }

    /// `passages` graded against the world's ground truth.
    public func check(_ passages: [Passage]) -> AttributionCheck {
        AttributionCheck(truth: truth, passages: passages.map(CheckedPassage.init))
    }
}

extension CheckedPassage {
    /// What the check needs of an assembled passage.
    public init(_ p: Passage) {
        self.init(
            id: p.id, revision: p.revision, entry: p.entry, occupancy: p.occupancy, events: p.events,
            ambiguities: Dictionary(p.ambiguities.map { ($0.event, $0.candidates) }, uniquingKeysWith: { $0 + $1 }),
            gammaAlarm: p.gammaAlarm)
    }
}
