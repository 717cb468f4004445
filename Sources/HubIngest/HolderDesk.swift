import Foundation
import HubStore
import Logging
import Synchronization

/// Answers an operator's request that needs the replica correlating the site, whichever replica it
/// reached: here when this replica's stage answers (it holds the lease, or the store is its own),
/// else asked of the holder through the store's notices, its answer read back from the store.
///
/// The holder answers from the `HolderNotice.asked` it hears (`heard`); a replica that does not
/// hold the lease stays silent. No answer within `patience` (no replica holds the lease, as while
/// it changes hands) is nil, which the routes turn into 503: nothing was done, the operator retries.
public final class HolderDesk: Sendable {
    /// The lease whose holder is asked (`correlation/<site>`).
    public let lease: String
    /// The answer this replica's own stages give, or nil when they are not running here.
    let local: @Sendable (HolderQuestion) async -> Data?
    /// Nil on a store no other replica shares: there is nobody to ask.
    let shared: (store: any HolderAnswerStore, announce: @Sendable (LiveChange) async -> Void)?
    let patience: Duration
    let logger: Logger
    private let waiting = Mutex<[String: CheckedContinuation<Bool, Never>]>([:])

    public init(
        lease: String, store: (any HolderAnswerStore & LiveAnnouncing)?, patience: Duration = .seconds(5), logger: Logger,
        local: @escaping @Sendable (HolderQuestion) async -> Data?
    ) {
        self.lease = lease
        self.local = local
        if let store {
            shared = (store: store, announce: { @Sendable change in await store.announce(change) })
        } else {
            shared = nil
        }
        self.patience = patience
        self.logger = logger
    }

    /// The answer to `question`, here or from the holder; nil when nobody answered in time.
    public func ask(_ question: HolderQuestion) async -> Data? {
        if let answer = await local(question) { return answer }
        guard let shared else { return nil }
        let id = UUID().uuidString
        let heard = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            waiting.withLock { $0[id] = c }
            Task {
                await shared.announce(.holder(.asked(id: id, lease: self.lease, question: question)))
                try? await Task.sleep(for: self.patience)
                self.settle(id, heard: false)
            }
        }
        guard heard else {
            logger.notice("no replica answered for the lease holder", metadata: ["lease": "\(lease)", "question": "\(question)"])
            return nil
        }
        do {
            return try await shared.store.takeAnswer(to: id)
        } catch {
            logger.warning("could not read the lease holder's answer", metadata: ["lease": "\(lease)", "error": "\(error)"])
            return nil
        }
    }

    /// A notice from another replica: a question this replica answers if its stages run here, or
    /// the arrival of an answer one of its requests waits for.
    public func heard(_ notice: HolderNotice) async {
        switch notice {
        case .answered(let id):
            settle(id, heard: true)
        case .asked(let id, let lease, let question):
            guard lease == self.lease, let shared, let answer = await local(question) else { return }
            do {
                try await shared.store.putAnswer(answer, to: id)
            } catch {
                logger.warning("could not answer another replica", metadata: ["lease": "\(lease)", "error": "\(error)"])
            }
        }
    }

    /// Resumes the request waiting for `id`, once.
    private func settle(_ id: String, heard: Bool) {
        waiting.withLock { $0.removeValue(forKey: id) }?.resume(returning: heard)
    }
}
