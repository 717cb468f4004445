import Foundation
import HubCorrelation
import HubDevices
import HubDrivers
import HubIngest
import HubServer
import HubSite
import HubTransports
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Applies an edited site config or profile while the hub runs: on `signals` (SIGHUP for a served
/// hub; none for a hub inside another program, such as a test process, whose signals are not its
/// own), and when the config file or a profile file changes on disk (checked every `pollInterval`).
/// A config that fails to load is refused with its file, line and field, and the running
/// configuration stays. Store path and HTTP address take effect only at the next start; devices,
/// passage layout, lane relays, reports and retention at once.
struct ConfigReloadService: Service {
    let state: ConfigState
    let profilesDir: String?
    let supervisor: DeviceSupervisor
    let hotplug: USBHotplugService
    /// Devices moved along their lanes take effect in passage assembly.
    let passages: StageRunner<PassageStage>
    /// Relays added, changed or removed take effect at the lanes.
    let relays: RelayInbox
    let logger: Logger
    let pollInterval: Duration
    let signals: [UnixSignal]

    func run() async throws {
        let path = state.current.file
        let first = fingerprint(path)
        let signals = signals.isEmpty ? nil : await UnixSignalsSequence(trapping: signals)
        await withDiscardingTaskGroup { group in
            let (triggers, continuation) = AsyncStream.makeStream(of: String.self)
            if let signals {
                group.addTask {
                    for await signal in signals { continuation.yield("\(signal)") }
                }
            }
            group.addTask {
                var seen = first
                while !Task.isCancelled {
                    try? await Task.sleep(for: pollInterval)
                    let now = fingerprint(path)
                    if now != seen {
                        seen = now
                        continuation.yield("file change")
                    }
                }
            }
            await cancelWhenGracefulShutdown {
                for await trigger in triggers { await reload(trigger: trigger) }
            }
            group.cancelAll()
        }
    }

    private func reload(trigger: String) async {
        let path = state.current.file
        let old = state.current
        do {
            let new = try SiteConfig.load(path: path, profilesDir: profilesDir, knownProtocols: DriverCatalog.protocols)
            if new.store != old.store || new.storePath != old.storePath || new.httpHost != old.httpHost
                || new.httpPort != old.httpPort || new.tls != old.tls || new.loginLimits != old.loginLimits
            {
                logger.warning("store, http, tls and login settings change only at the next start")
            }
            if new.notifications != old.notifications { logger.warning("the site file's notification settings change only at the next start (rules: edit them on the admin page)") }
            let change = await supervisor.apply(new.devices)
            hotplug.update(
                USBMatcher(
                    devices: new.devices.filter(\.enabled), profiles: Array(new.profiles.values), site: new.site,
                    autoAttach: new.usbAutoAttach))
            passages.relayout(new.laneLayout)
            if new.relays != old.relays { relays.reconfigure(new.relays) }
            state.record(.init(at: Date(), trigger: trigger, applied: true, change: change), config: new)
            logger.info(
                "configuration reloaded",
                metadata: ["trigger": "\(trigger)", "started": "\(change.started)", "stopped": "\(change.stopped)",
                           "restarted": "\(change.restarted)", "reconfigured": "\(change.reconfigured)"])
        } catch {
            state.record(.init(at: Date(), trigger: trigger, applied: false, error: "\(error)"), config: nil)
            logger.error("configuration refused; the running one stays", metadata: ["error": "\(error)"])
        }
    }

    /// Modification times and sizes of the config and every profile: a change in any means reload.
    private func fingerprint(_ configPath: String) -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        func note(_ p: String) {
            if let a = try? fm.attributesOfItem(atPath: p) {
                out[p] = "\((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)/\(a[.size] as? Int ?? 0)"
            }
        }
        note(configPath)
        let dir = profilesDir ?? state.current.profilesDir
        for f in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".yaml") || f.hasSuffix(".yml") {
            note((dir as NSString).appendingPathComponent(f))
        }
        return out
    }
}
