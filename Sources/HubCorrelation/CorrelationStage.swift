import Foundation
import HubModel

/// One step of correlation (passages, transits, risk) as a runner drives it: which stored events it
/// takes and what of them waits for it (`Work`), the state it keeps between calls (the stage value
/// itself), and what it concludes — the hub's own events, as one batch per call, which the runner
/// stores like a device's and hands on to every stage again.
///
/// The runner calls one method at a time, in the order work, ticks and requests arrived, so a stage
/// keeps its state in plain stored properties. The methods are `async` for a stage that reads the
/// store while it works (risk reads each declaration's linked events); the others are pure.
public protocol CorrelationStage: Sendable {
    /// What of the stored events waits for the stage (the events, or only their ids).
    associatedtype Work: StageWork
    /// An operator's request that wants an answer (a passage resolution), taken in turn with the work.
    associatedtype Request: Sendable = Never
    associatedtype Reply: Sendable = Never
    /// What the stage shares with the rest of the hub while it runs (the transit map, the lane
    /// layout a reload changes): a `Sendable` reference, read and set outside the runner's turn.
    associatedtype Shared: Sendable = Void

    /// The stage's name: its queue in `/metrics` and the device its events are kept under.
    static var name: String { get }

    /// What of a stored batch the stage takes, or nil when none of it is the stage's business.
    /// Called on the ingest path for every batch: it must be quick, and it sees no state.
    static func work(from events: [InspectionEvent]) -> Work?

    /// How often `tick` is called (nil: never).
    var tickInterval: Duration? { get }

    var shared: Shared { get }

    /// Called once, before anything else: what the stage rebuilds from the store after a restart,
    /// what it concludes from that at once, and work to queue before any new work.
    mutating func start() async -> StageStart<Work>

    /// Takes queued work; returns what it concludes (empty: nothing).
    mutating func take(_ work: Work) async -> IngestBatch

    /// The hub's clock moved on (quiet lanes close, silent seals are reported).
    mutating func tick(now: Date) async -> IngestBatch

    /// Answers an operator's request; what it concludes is stored before the answer is given.
    mutating func handle(_ request: Request) async -> (reply: Reply, concluded: IngestBatch)

    /// The hub is stopping: what is open is concluded as it stands.
    mutating func flush() async -> IngestBatch
}

/// What a stage has at its start: events it concludes at once and work it queues first.
public struct StageStart<Work: StageWork>: Sendable {
    public var concluded: IngestBatch
    public var queued: Work?

    public init(concluded: IngestBatch = IngestBatch(), queued: Work? = nil) {
        self.concluded = concluded
        self.queued = queued
    }
}

/// Work waiting for a stage.
public protocol StageWork: Sendable {
    /// The items it stands for (the stage's queue depth counts these).
    var count: Int { get }

    /// Folds `later` work into this, when the stage does both in one step, and returns true; false
    /// keeps them apart, taken one after the other.
    mutating func absorb(_ later: Self) -> Bool
}

/// Stored events a stage takes in the order they were stored: batch by batch, or, for a stage that
/// takes them one by one anyway, as many batches at once as wait, up to `foldsUpTo` events.
public struct StoredEvents: StageWork {
    public var events: [InspectionEvent]
    /// Up to how many events waiting batches are folded into one take (0: none).
    public var foldsUpTo: Int

    public init(_ events: [InspectionEvent], foldsUpTo: Int = 0) {
        self.events = events
        self.foldsUpTo = foldsUpTo
    }

    public var count: Int { events.count }

    /// Appends `later`'s events, in order, while the whole stays within `foldsUpTo`.
    public mutating func absorb(_ later: StoredEvents) -> Bool {
        guard events.count + later.events.count <= foldsUpTo else { return false }
        events += later.events
        return true
    }
}

extension CorrelationStage {
    public var tickInterval: Duration? { nil }
    public mutating func start() async -> StageStart<Work> { StageStart() }
    public mutating func tick(now: Date) async -> IngestBatch { IngestBatch() }
    public mutating func flush() async -> IngestBatch { IngestBatch() }
}

extension CorrelationStage where Shared == Void {
    public var shared: Void { () }
}

extension CorrelationStage where Request == Never {
    public mutating func handle(_ request: Never) async -> (reply: Reply, concluded: IngestBatch) {}
}
