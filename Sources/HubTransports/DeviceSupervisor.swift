import Foundation
import HubDevices
import HubIngest
import HubModel
import HubStore
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one task per configured device (serial, TCP, UDP, file drop) and changes the set while the
/// hub runs: `apply` stops the devices that were removed, restarts those whose link changed, hands
/// new decoding settings to those whose link did not (their link stays open and their decoder keeps
/// a vehicle half seen), and starts the new ones, leaving every unchanged device untouched, so a
/// configuration reload loses no event. A stopped device stores what it had decoded before its link
/// closes.
public final class DeviceSupervisor: Service, Sendable {
    private struct Running {
        var device: DeviceInstance
        var task: Task<Void, Never>
        /// Where a stream device takes new decoding settings; nil for the other transports.
        var settings: DecoderSettings?
    }

    private let sink: IngestSink
    private let ids: EventIDGenerator
    private let logger: Logger
    private let initial: [DeviceInstance]
    private let blobs: BlobStore?
    private let running = Mutex<(devices: [String: Running], stopped: Bool)>(([:], false))
    /// One `apply` at a time (the start and every reload), and none once stopping: two at once both
    /// saw a device missing while the other was still stopping it, and both started it, two readers
    /// on one port, one of them never stopped again.
    private let applying = AsyncGate()

    public init(devices: [DeviceInstance], sink: IngestSink, ids: EventIDGenerator, logger: Logger, blobs: BlobStore? = nil) {
        initial = devices
        self.blobs = blobs
        self.sink = sink
        self.ids = ids
        self.logger = logger
    }

    /// What a reload changed.
    public struct Change: Sendable, Equatable, Codable {
        public var started: [String] = []
        public var stopped: [String] = []
        /// Link, protocol or unit admission changed: the device's link was closed and opened again.
        public var restarted: [String] = []
        /// Only decoding changed (profile reporting or framing, thresholds, lane, site, clock offset):
        /// the running device took the settings with its link open and nothing it held lost.
        public var reconfigured: [String] = []
        public var unchanged: [String] = []
    }

    public func run() async throws {
        _ = await apply(initial)
        try? await gracefulShutdown()
        await applying.acquire()
        let all = running.withLock { r -> [Running] in
            defer {
                r.devices.removeAll()
                r.stopped = true
            }
            return Array(r.devices.values)
        }
        await applying.release()
        for r in all { r.task.cancel() }
        for r in all { await r.task.value }
    }

    /// Makes the running devices those of `devices` (enabled ones, not pinned to USB, which the
    /// hotplug service starts when they appear). Calls wait for each other; once the supervisor is
    /// stopping, nothing is started and the change is empty.
    @discardableResult
    public func apply(_ devices: [DeviceInstance]) async -> Change {
        await applying.acquire()
        let change = await applyAlone(devices)
        await applying.release()
        return change
    }

    private func applyAlone(_ devices: [DeviceInstance]) async -> Change {
        let wanted = devices.filter { $0.enabled && $0.usbPin == nil }
        var change = Change()
        var toStop: [(String, Task<Void, Never>)] = []
        var toStart: [DeviceInstance] = []
        let stopping = running.withLock { r -> Bool in
            guard !r.stopped else { return true }
            let wantedIDs = Set(wanted.map(\.id))
            for (id, entry) in r.devices where !wantedIDs.contains(id) {
                toStop.append((id, entry.task))
                change.stopped.append(id)
            }
            for d in wanted {
                if let entry = r.devices[d.id] {
                    if entry.device == d {
                        change.unchanged.append(d.id)
                    } else if let settings = entry.settings, Self.decodingOnly(from: entry.device, to: d) {
                        settings.post(d)
                        r.devices[d.id]?.device = d
                        change.reconfigured.append(d.id)
                    } else {
                        toStop.append((d.id, entry.task))
                        toStart.append(d)
                        change.restarted.append(d.id)
                    }
                } else {
                    toStart.append(d)
                    change.started.append(d.id)
                }
            }
            for (id, _) in toStop { r.devices.removeValue(forKey: id) }
            return false
        }
        guard !stopping else { return Change() }
        sink.registry.add(devices)
        // A changed device's old link closes (storing what it decoded) before the new one opens the same port.
        for (_, task) in toStop { task.cancel() }
        for (_, task) in toStop { await task.value }
        for id in change.stopped { await sink.link(id, .disabled, error: "removed from the configuration") }
        for d in toStart {
            let settings = DecoderSettings()
            guard let service = Self.service(for: d, sink: sink, ids: ids, logger: logger, blobs: blobs, settings: settings) else {
                logger.error("device has nowhere to be read from; not started", metadata: ["device": "\(d.id)"])
                await sink.link(d.id, .down, error: "no port, address or folder to read from")
                continue
            }
            let task = Task { _ = try? await service.run() }
            let stream = service is StreamDeviceService
            running.withLock { $0.devices[d.id] = Running(device: d, task: task, settings: stream ? settings : nil) }
        }
        change.started.sort()
        change.stopped.sort()
        change.restarted.sort()
        change.reconfigured.sort()
        change.unchanged.sort()
        return change
    }

    /// Whether going from `old` to `new` changes only how the device is decoded: the same transport,
    /// port or address, serial settings and protocol, the same units admitted. Profile reporting and
    /// framing, thresholds, lane, position in the lane, site, clock offset, model names, heartbeat and longest silence may differ.
    static func decodingOnly(from old: DeviceInstance, to new: DeviceInstance) -> Bool {
        var link = new
        link.site = old.site
        link.lane = old.lane
        link.position = old.position
        link.utcOffsetSeconds = old.utcOffsetSeconds
        link.profile.model = old.profile.model
        link.profile.name = old.profile.name
        link.profile.vendor = old.profile.vendor
        link.profile.heartbeatIntervalS = old.profile.heartbeatIntervalS
        link.profile.maxSilenceS = old.profile.maxSilenceS
        link.profile.framing = old.profile.framing
        link.profile.reporting = old.profile.reporting
        link.profile.thresholds = old.profile.thresholds
        return link == old
    }

    /// The service that reads `device` over its transport.
    static func service(
        for device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger, blobs: BlobStore?,
        settings: DecoderSettings = DecoderSettings()
    ) -> (any Service)? {
        switch device.profile.transport.kind {
        case .serial:
            StreamDeviceService(device: device, sink: sink, ids: ids, logger: logger, settings: settings)
        case .tcp:
            device.listen != nil
                ? TCPListenerService(device: device, sink: sink, ids: ids, logger: logger)
                : StreamDeviceService(device: device, sink: sink, ids: ids, logger: logger, settings: settings)
        case .udp:
            UDPListenerService(device: device, sink: sink, ids: ids, logger: logger)
        case .file:
            FileDropService(device: device, sink: sink, ids: ids, logger: logger, blobs: blobs)
        }
    }
}
