import Foundation
import HubModel
import HubStore
import Logging
import ServiceLifecycle

/// Purges what the site's retention policy lets age out: at start, then every `everySeconds`, in
/// small batches with pauses so ingest is never held up. The policy is read afresh before each run,
/// so a reloaded config applies from the next run; without one nothing is purged.
public struct RetentionService: Service {
    private let store: any RetentionStore
    private let policy: @Sendable () -> RetentionPolicy?
    private let logger: Logger

    public init(store: any RetentionStore, logger: Logger, policy: @escaping @Sendable () -> RetentionPolicy?) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let current = policy()
                if let current { await purge(current) }
                try? await Task.sleep(for: .seconds(current?.everySeconds ?? 60))
            }
        }
    }

    private func purge(_ policy: RetentionPolicy) async {
        do {
            for run in try await RetentionPurger(store: store, policy: policy).purge(now: Date()) {
                logger.info("retention purge", metadata: ["target": "\(run.target)", "rows": "\(run.rows)", "batches": "\(run.batches)"])
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("retention purge failed: \(error)")
        }
    }
}
