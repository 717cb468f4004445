import Foundation
import HubIngest
import HubServer
import HubStore
import Logging

extension HubApplication {
    /// What this replica answers for the site's correlation: its own stages' answers while they run
    /// here (always, on a store no other hub shares), else nothing, and the holder is asked.
    static func holderDesk(
        store: any HubRecordStore, leases: LeaseService?, lease: String, passages: StageRunner<PassageStage>,
        transits: StageRunner<TransitStage>, logger: Logger
    ) -> HolderDesk {
        let alone = leases == nil
        return HolderDesk(lease: lease, store: alone ? nil : store, logger: logger) { question in
            switch question {
            case .transits:
                guard alone || transits.running else { return nil }
                return try? TransitMapJSON.encode(transits.active())
            case .resolve(let event, let passage, let by):
                guard alone || passages.running else { return nil }
                return try? JSONEncoder().encode(await passages.resolve(event: event, passage: passage, by: by))
            }
        }
    }
}
