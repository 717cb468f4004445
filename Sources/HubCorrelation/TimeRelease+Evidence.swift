import Foundation
import HubModel

extension TimeReleaseStamps {
    /// Reads a stored passage's stage times from its own evidence.
    ///
    /// - arrival: the earliest occupancy start or plate/container read, else the passage's start;
    /// - radiation: the portal's occupancy summary (the check is complete when the vehicle has left the portal);
    /// - scan: the scan result; verdict: the image verdict; decision: the risk assessment (with its channel) —
    ///   one made before the vehicle reached the stages before it (a pre-arrival assessment) held nobody, so it
    ///   counts as taken when the vehicle got there;
    /// - exit: the passage's end, or the latest stage when one came after it (a vehicle held for a verdict
    ///   or a decision has not left before it).
    /// Evidence not found among `evidence` leaves its stage missing.
    public init(passage event: InspectionEvent, payload: GatePassagePayload, evidence: [InspectionEvent],
                decision: InspectionEvent? = nil) {
        let joined = Set(payload.events)
        let mine = evidence.filter { joined.contains($0.id) }
        func first(_ kinds: Set<String>) -> Date? { mine.filter { kinds.contains($0.kind) }.map(\.observedAt).min() }
        var times: [TimeReleaseStage: Date] = [:]
        times[.arrival] = first([EventKind.occupancyStart, EventKind.ocrRead]) ?? payload.startedAt
        times[.radiation] = first([EventKind.occupancy])
        times[.scan] = first([EventKind.scanResult])
        times[.verdict] = first([EventKind.scanVerdict])
        if let decided = decision?.observedAt { times[.decision] = ([decided] + times.values).max() }
        times[.exit] = ([payload.endedAt] + times.values).max()
        self.init(passage: payload.passage, lane: event.lane, channel: decision?.riskAssessment?.channel, times: times)
        self.event = event.id
        vehicle = (event.subject.plates ?? []) + (event.subject.containers ?? [])
        alarmed = payload.alarmed ?? false
    }
}
