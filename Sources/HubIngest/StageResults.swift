import HubModel
import ServiceLifecycle
import Synchronization

/// A batch a correlation stage concluded, on its way to the store; `stored` tells the stage's
/// runner it is (true) or was given up (false), and the runner waits for that before going on.
public final class StageResult: Sendable {
    /// The stage's name: the device its events are kept under.
    public let stage: String
    public let batch: IngestBatch
    private let answer: Mutex<(@Sendable (Bool) -> Void)?>

    init(stage: String, batch: IngestBatch, answer: @escaping @Sendable (Bool) -> Void) {
        self.stage = stage
        self.batch = batch
        self.answer = Mutex(answer)
    }

    /// The batch is stored (or not); only the first call counts.
    public func stored(_ ok: Bool) {
        let first = answer.withLock { a in
            defer { a = nil }
            return a
        }
        first?(ok)
    }

    deinit {
        // A result dropped unread (its reader was cancelled) must not leave its stage waiting.
        stored(false)
    }
}

/// Stores what the correlation stages conclude: each runner's results go through the ingest sink
/// as a stage's own (`fromStage: true`: never held back for a stage, one of which is theirs), one
/// runner's in order, so what they conclude reaches every observer, the stages included. The sink
/// is built with the runners as observers and this part is built after both, so nothing is bound
/// late.
///
/// It must stop after its runners (place it before them in the service group): it ends once every
/// runner has stopped and its last results, those of the shutdown flush, are stored.
public struct StageResults: Service {
    let sink: IngestSink
    let streams: [AsyncStream<StageResult>]

    public init(sink: IngestSink, results streams: [AsyncStream<StageResult>]) {
        self.sink = sink
        self.streams = streams
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for stream in streams {
                group.addTask {
                    for await r in stream {
                        r.stored(await sink.deliver(deviceID: r.stage, batch: r.batch, counted: DecodeCounters(), fromStage: true))
                    }
                }
            }
        }
        // A service that ends before it is told to is a fault to its group.
        try? await gracefulShutdown()
    }
}
