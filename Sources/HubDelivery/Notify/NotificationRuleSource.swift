import Foundation
import HubSite
import HubStore
import Synchronization

/// The notification rules in force: the site file's until an admin saves a set (kept in the
/// store), then the saved set at its newest version. `refresh` compares the stored version with
/// the one held and reloads on a change, so a hub (and each replica on a shared store) takes an
/// edit without a restart.
public final class NotificationRuleSource: Sendable {
    private let store: any NotificationRuleStore
    private let state: Mutex<(version: Int64, rules: [NotificationRule])>

    public init(store: any NotificationRuleStore, configured: [NotificationRule]) {
        self.store = store
        state = Mutex((0, configured))
    }

    /// The rules held now.
    public var rules: [NotificationRule] { state.withLock { $0.rules } }

    /// Whether any rule held now is enabled (with none, there is nothing to make of events).
    public var anyEnabled: Bool { state.withLock { $0.rules.contains(where: \.enabled) } }

    /// The saved rules when their version moved since the last look (nil: unchanged). A saved set
    /// that does not read (written by a newer hub) leaves the rules held in force and is thrown.
    public func refresh() async throws -> [NotificationRule]? {
        let version = try await store.notificationRulesVersion()
        guard version != state.withLock({ $0.version }), let saved = try await store.notificationRules() else { return nil }
        let rules = try NotificationRuleDocument.rules(fromJSON: saved.rules)
        state.withLock { $0 = (saved.version, rules) }
        return rules
    }
}
