import Foundation
import Hummingbird
import HubCorrelation
import HubStore
import HubModel

extension AnalystRoutes {
    /// A lane on the board: its activity and the latest passage through it.
    struct BoardLane: Encodable {
        var lane: LaneActivity.Lane
        var latestPassage: PassageSummary?

        func encode(to encoder: any Encoder) throws {
            try lane.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encodeIfPresent(latestPassage, forKey: .latestPassage)
        }

        enum Key: String, CodingKey { case latestPassage }
    }

    /// `GET /api/v1/lanes`: every lane's counts and last occupancy and alarm, and its latest
    /// passage (containers, plate, linked declaration and channel, RPM and scan results).
    func laneBoard() async throws -> Response {
        struct Body: Encodable { var lanes: [BoardLane] }
        var board: [BoardLane] = []
        for lane in lanes.all() {
            var q = EventQuery()
            q.kind = EventKind.passage
            q.site = lane.site.isEmpty ? nil : lane.site
            q.lane = lane.lane
            q.newestFirst = true
            q.limit = 1
            var latest: PassageSummary?
            if let e = try await store.events(q).events.first { latest = try await summarize(e) }
            board.append(BoardLane(lane: lane, latestPassage: latest))
        }
        return try JSONResponse.make(Body(lanes: board))
    }
}
