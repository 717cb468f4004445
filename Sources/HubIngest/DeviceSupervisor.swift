import Foundation
import HubDevices
import HubModel
import HubStore
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one task per configured device (serial, TCP, UDP, file drop) and changes the set while the
/// hub runs: `apply` stops the devices that were removed or changed and starts the new ones, leaving
/// every unchanged device untouched, so a configuration reload loses no event. A stopped device
/// stores what it had decoded before its link closes.
public final class DeviceSupervisor: Service, Sendable {
    private struct Running {
        var device: DeviceInstance
        var task: Task<Void, Never>
    }

    private let sink: IngestSink
    private let ids: EventIDGenerator
    private let logger: Logger
    private let initial: [DeviceInstance]
    private let blobs: BlobStore?
    private let running = Mutex<[String: Running]>([:])
    /// Serializes `apply` calls (startup and reloads).
    private let applying = Mutex(false)

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
        public var restarted: [String] = []
        public var unchanged: [String] = []
    }

    public func run() async throws {
        _ = await apply(initial)
        try? await gracefulShutdown()
        let all = running.withLock { r -> [Running] in
            defer { r.removeAll() }
            return Array(r.values)
        }
        for r in all { r.task.cancel() }
        for r in all { await r.task.value }
    }

    /// Makes the running devices those of `devices` (enabled ones, not pinned to USB, which the
    /// hotplug service starts when they appear).
    @discardableResult
    public func apply(_ devices: [DeviceInstance]) async -> Change {
        let wanted = devices.filter { $0.enabled && $0.usbPin == nil }
        sink.registry.add(devices)
        var change = Change()
        var toStop: [(String, Task<Void, Never>)] = []
        var toStart: [DeviceInstance] = []
        running.withLock { r in
            let wantedIDs = Set(wanted.map(\.id))
            for (id, entry) in r where !wantedIDs.contains(id) {
                toStop.append((id, entry.task))
                change.stopped.append(id)
            }
            for d in wanted {
                if let entry = r[d.id] {
                    if entry.device == d {
                        change.unchanged.append(d.id)
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
            for (id, _) in toStop { r.removeValue(forKey: id) }
        }
        // A changed device's old link closes (storing what it decoded) before the new one opens the same port.
        for (_, task) in toStop { task.cancel() }
        for (_, task) in toStop { await task.value }
        for id in change.stopped { await sink.link(id, .disabled, error: "removed from the configuration") }
        for d in toStart {
            guard let service = Self.service(for: d, sink: sink, ids: ids, logger: logger, blobs: blobs) else {
                logger.error("device has nowhere to be read from; not started", metadata: ["device": "\(d.id)"])
                await sink.link(d.id, .down, error: "no port, address or folder to read from")
                continue
            }
            let task = Task { _ = try? await service.run() }
            running.withLock { $0[d.id] = Running(device: d, task: task) }
        }
        change.started.sort()
        change.stopped.sort()
        change.restarted.sort()
        change.unchanged.sort()
        return change
    }

    /// The service that reads `device` over its transport.
    static func service(
        for device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger, blobs: BlobStore?
    ) -> (any Service)? {
        switch device.profile.transport.kind {
        case .serial:
            StreamDeviceService(device: device, sink: sink, ids: ids, logger: logger)
        case .tcp:
            device.listen != nil
                ? TCPListenerService(device: device, sink: sink, ids: ids, logger: logger)
                : StreamDeviceService(device: device, sink: sink, ids: ids, logger: logger)
        case .udp:
            UDPListenerService(device: device, sink: sink, ids: ids, logger: logger)
        case .file:
            FileDropService(device: device, sink: sink, ids: ids, logger: logger, blobs: blobs)
        }
    }
}
