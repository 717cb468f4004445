import HubDevices
import HubIngest
import HubModel
import Logging

/// What a device's service is wired to: the device, the sink its batches go to, the id generator,
/// and a logger that names the device on every line. Shared by the listeners.
struct DeviceWiring: Sendable {
    let device: DeviceInstance
    let sink: IngestSink
    let ids: EventIDGenerator
    let logger: Logger

    init(device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger) {
        self.device = device
        self.sink = sink
        self.ids = ids
        var logger = logger
        logger[metadataKey: "device"] = "\(device.id)"
        self.logger = logger
    }
}
