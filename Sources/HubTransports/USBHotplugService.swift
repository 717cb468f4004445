import Foundation
import HubDevices
import HubIngest
import HubModel
import Logging
import ServiceLifecycle
import Synchronization

/// Finds serial devices on USB as they come and go. At start it asks udev for every serial port;
/// then it follows udev's add and remove events. A port that matches a pinned site device or a
/// profile gets its driver at once (no restart); when it is unplugged its link is closed and the
/// device reported offline; plugged back, it resumes under the same id.
public final class USBHotplugService: Service, Sendable {
    private let matcherBox: Mutex<USBMatcher>
    private let sink: IngestSink
    private let ids: EventIDGenerator
    private let logger: Logger

    public init(matcher: USBMatcher, sink: IngestSink, ids: EventIDGenerator, logger: Logger) {
        matcherBox = Mutex(matcher)
        self.sink = sink
        self.ids = ids
        self.logger = logger
    }

    /// New pins and profiles (a configuration reload) for ports plugged from now on.
    public func update(_ matcher: USBMatcher) { matcherBox.withLock { $0 = matcher } }

    private var matcher: USBMatcher { matcherBox.withLock { $0 } }

    public func run() async throws {
        for d in matcher.devices { await sink.link(d.id, .down, error: "not plugged in") }
        guard let monitor = UdevMonitor() else {
            logger.warning("udev monitor unavailable; USB devices are not watched")
            return
        }
        defer { monitor.stop() }
        let attached = Attachments()
        for port in Udev.serialPorts() { attach(port, to: attached) }
        await cancelWhenGracefulShutdown {
            for await event in monitor.events {
                switch event.action {
                case .add, .change, .bind:
                    self.attach(event.device, to: attached)
                case .remove, .unbind:
                    // The port closes as its task ends, and the device is reported offline ("unplugged").
                    if let (id, task) = attached.release(event.device.syspath) {
                        task.cancel()
                        self.logger.info("USB device removed", metadata: ["device": "\(id)"])
                    }
                case .other:
                    break
                }
            }
        }
        for task in attached.releaseAll() {
            task.cancel()
            await task.value
        }
    }

    private func attach(_ port: UdevDevice, to attached: Attachments) {
        switch matcher.match(port) {
        case .pinned(let device), .automatic(let device):
            guard var service = StreamDeviceService(device: device, sink: sink, ids: ids, logger: logger) else { return }
            service.endReason = "unplugged"
            guard attached.reserve(port.syspath, device.id) else { return }
            sink.registry.add([device])
            logger.info("USB device attached", metadata: ["device": "\(device.id)", "port": "\(port.devnode ?? "")"])
            let run = service
            attached.start(port.syspath, Task { try? await run.run() })
        case .none(let reason):
            logger.debug("USB port not taken", metadata: ["port": "\(port.devnode ?? port.syspath)", "reason": "\(reason)"])
        }
    }
}

/// Which udev device each attached hub device came from, and the task that reads it.
final class Attachments: Sendable {
    private struct Entry {
        var id: String
        var task: Task<Void, Never>?
    }
    private let entries = Mutex<[String: Entry]>([:])

    /// Claims `syspath` for device `id`; false when either is already attached.
    func reserve(_ syspath: String, _ id: String) -> Bool {
        entries.withLock { m in
            guard m[syspath] == nil, !m.values.contains(where: { $0.id == id }) else { return false }
            m[syspath] = Entry(id: id)
            return true
        }
    }

    func start(_ syspath: String, _ task: Task<Void, Never>) { entries.withLock { $0[syspath]?.task = task } }

    func release(_ syspath: String) -> (String, Task<Void, Never>)? {
        entries.withLock { m in
            guard let e = m.removeValue(forKey: syspath), let task = e.task else { return nil }
            return (e.id, task)
        }
    }

    func releaseAll() -> [Task<Void, Never>] {
        entries.withLock { m in
            defer { m.removeAll() }
            return m.values.compactMap(\.task)
        }
    }
}
