import HubDevices
import HubModel
import Synchronization

/// What the relay service is told: the events the store took, the alarms operators acknowledged and
/// the relays a reloaded site config gives. Made before the ingest sink, which it observes, and
/// handed to the service after.
public final class RelayInbox: Sendable {
    enum Input: Sendable {
        case events([InspectionEvent])
        case acknowledged(String)
        /// Time to send again what a board did not take.
        case retry
        /// The site config was reloaded with these relays.
        case reconfigured([LaneRelaySettings])
    }

    let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    /// Nothing is queued while the site has no relays.
    private let wanted: Atomic<Bool>

    public init(wanted: Bool) {
        self.wanted = Atomic(wanted)
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
    }

    /// Events the store took (an ingest sink observer).
    public func observe(_ events: [InspectionEvent]) { send(.events(events)) }

    /// An operator acknowledged alarm `eventID` (on this hub or a replica sharing its store).
    public func acknowledged(_ eventID: String) { send(.acknowledged(eventID)) }

    /// The site config's `relays:` after a reload (the same or not: the service compares).
    public func reconfigure(_ relays: [LaneRelaySettings]) {
        continuation.yield(.reconfigured(relays))
        wanted.store(!relays.isEmpty, ordering: .relaxed)
    }

    func send(_ input: Input) {
        if wanted.load(ordering: .relaxed) { continuation.yield(input) }
    }
}
