import HubDevices
import HubIngest
import HubModel
import HubStore
import HubTransports
import Logging
import ServiceLifecycle

/// Devices run by a supervisor into a SQLite store, without the HTTP side: for tests of the links.
struct SupervisedDevices {
    let store: SQLiteEventStore
    let sink: IngestSink
    let supervisor: DeviceSupervisor
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    init(_ devices: [DeviceInstance], storePath: String, logger: Logger) throws {
        let ids = EventIDGenerator()
        store = try SQLiteEventStore(path: storePath)
        sink = IngestSink(store: store, registry: DeviceRegistry(devices: devices), ids: ids, logger: logger)
        supervisor = DeviceSupervisor(devices: devices, sink: sink, ids: ids, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [supervisor], logger: logger))
        self.group = group
        running = Task { try await group.run() }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
