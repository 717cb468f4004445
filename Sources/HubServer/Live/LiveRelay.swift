import Foundation
import HubModel
import HubStore
import Logging
import ServiceLifecycle

/// Puts on this replica's live feed what the other replicas sharing its database store, so an
/// operator sees every alarm, acknowledgement and adjudication whichever replica they are
/// connected to. Its own replica's notices are skipped: the ingest observer and the routes have
/// pushed those already.
public struct LiveRelay: Service {
    /// Where the other replicas' notices come from (also says whether it hears them now).
    public let notices: any StoreNoticeSource
    let store: any LiveEventReader & AdjudicationStore
    let feed: LiveFeed
    let logger: Logger
    /// Re-reads the admission decisions after another replica made one (`device/unit`).
    let onAdmission: @Sendable (String) async -> Void
    /// Another replica saved a declaration (its number): the stages here look it up afresh.
    let onDeclaration: @Sendable (String) -> Void
    /// A question to the replica correlating the site, or an answer's arrival (`HolderDesk`).
    let onHolder: @Sendable (HolderNotice) async -> Void
    /// Events another replica stored that are pushed live (alarms, device states): what this
    /// replica's lane relays switch on, whichever replica the device reported to.
    let onEvents: @Sendable ([InspectionEvent]) -> Void
    /// Events read back per query, so a long catch-up is paged rather than loaded at once.
    static let page = 500

    public init(
        notices: any StoreNoticeSource, store: any LiveEventReader & AdjudicationStore, feed: LiveFeed, logger: Logger,
        onAdmission: @escaping @Sendable (String) async -> Void = { _ in },
        onDeclaration: @escaping @Sendable (String) -> Void = { _ in },
        onHolder: @escaping @Sendable (HolderNotice) async -> Void = { _ in },
        onEvents: @escaping @Sendable ([InspectionEvent]) -> Void = { _ in }
    ) {
        self.onHolder = onHolder
        self.onEvents = onEvents
        self.onAdmission = onAdmission
        self.onDeclaration = onDeclaration
        self.notices = notices
        self.store = store
        self.feed = feed
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await notices.run { notice in await relay(notice) }
        }
    }

    /// Reads back what a remote notice points at and pushes it. A range from a catch-up (no
    /// replica) may hold this replica's own alarms as well: pushed again, an operator sees an
    /// alarm twice rather than miss one.
    func relay(_ notice: StoreNotice) async {
        guard notice.replica != notices.replica else { return }
        do {
            switch notice {
            case .events(_, let seqs):
                var from = seqs.lowerBound
                while from <= seqs.upperBound {
                    let rows = try await store.liveEvents(in: from...seqs.upperBound, limit: Self.page)
                    feed.publish(rows.map(\.event))
                    onEvents(rows.map(\.event))
                    guard rows.count == Self.page, let last = rows.last?.seq else { break }
                    from = last + 1
                }
            case .change(_, .acknowledgement(let id)):
                if let a = try await store.acknowledgements(eventIDs: [id]).first { feed.publish(a) }
            case .change(_, .adjudication(let id)):
                // The newest counts; a notice for an older one of the same alarm pushes the newest again.
                if let a = try await store.adjudications(eventIDs: [id]).last { feed.publish(a) }
            case .change(_, .admission(let target)):
                await onAdmission(target)
            case .change(_, .declaration(let number)):
                onDeclaration(number)
            case .change(_, .holder(.asked(let id, let lease, let question))):
                // Answered beside the relay: working out an answer must not hold up the alarms.
                Task { await onHolder(.asked(id: id, lease: lease, question: question)) }
            case .change(_, .holder(let notice)):
                await onHolder(notice)
            }
        } catch {
            logger.warning("could not read back another replica's change", metadata: ["notice": "\(notice)", "error": "\(error)"])
        }
    }
}
