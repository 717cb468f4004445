import Foundation
import HubSite
import HubTransports
import Synchronization

/// The configuration in force, and how the last reload went (for `GET /api/v1/config`).
public final class ConfigState: Sendable {
    public struct Reload: Sendable, Codable, Equatable {
        public var at: Date
        public var trigger: String
        public var applied: Bool
        public var error: String?
        public var change: DeviceSupervisor.Change?

        package init(at: Date, trigger: String, applied: Bool, error: String? = nil, change: DeviceSupervisor.Change? = nil) {
            self.at = at
            self.trigger = trigger
            self.applied = applied
            self.error = error
            self.change = change
        }
    }

    private let state: Mutex<(config: SiteConfig, last: Reload?)>

    package init(_ config: SiteConfig) { state = Mutex((config, nil)) }

    public var current: SiteConfig { state.withLock { $0.config } }
    public var lastReload: Reload? { state.withLock { $0.last } }

    package func record(_ reload: Reload, config: SiteConfig?) {
        state.withLock { s in
            if let config { s.config = config }
            s.last = reload
        }
    }
}
