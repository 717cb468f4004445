import HubModel

/// What the relay service is told: the events the store took and the alarms operators
/// acknowledged. Made before the ingest sink, which it observes, and handed to the service after.
public final class RelayInbox: Sendable {
    enum Input: Sendable {
        case events([InspectionEvent])
        case acknowledged(String)
        /// Time to send again what a board did not take.
        case retry
    }

    let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    /// Nothing is queued when the site has no relays.
    private let wanted: Bool

    public init(wanted: Bool) {
        self.wanted = wanted
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
    }

    /// Events the store took (an ingest sink observer).
    public func observe(_ events: [InspectionEvent]) { send(.events(events)) }

    /// An operator acknowledged alarm `eventID` (on this hub or a replica sharing its store).
    public func acknowledged(_ eventID: String) { send(.acknowledged(eventID)) }

    func send(_ input: Input) {
        if wanted { continuation.yield(input) }
    }
}
