import Foundation
import HubDevices
import HubModel
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Reads one serial device for the life of the hub: opens the port in raw mode, feeds every byte
/// through the device's decoder into the sink, and when the port fails or vanishes marks the device
/// offline and reopens it with growing backoff until it returns or the hub shuts down.
public struct SerialDeviceService: Service {
    public let device: DeviceInstance
    private let sink: IngestSink
    private let ids: EventIDGenerator
    private let logger: Logger
    private let backoff: Backoff
    private let clock: @Sendable () -> Date

    public init(
        device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger,
        backoff: Backoff = Backoff(), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.device = device
        self.sink = sink
        self.ids = ids
        self.backoff = backoff
        self.clock = clock
        var logger = logger
        logger[metadataKey: "device"] = "\(device.id)"
        self.logger = logger
    }

    public func run() async throws {
        guard let port = device.port, let settings = device.serial, FeedDecoder(device: device, ids: ids) != nil else {
            logger.error("device has no serial port or no driver; not started")
            sink.registry.set(device.id, state: .offline, error: "no serial port or driver")
            return
        }
        await cancelWhenGracefulShutdown {
            // One decoder for the life of the hub: an occupancy survives a brief loss of the port.
            var decoder = FeedDecoder(device: device, ids: ids)!
            var delay = backoff.initial
            var lastError: String?
            while !Task.isCancelled {
                sink.registry.set(device.id, state: .connecting)
                do {
                    let fd = try SerialPort.open(path: port, settings: settings)
                    sink.registry.set(device.id, state: .online)
                    logger.info("serial port open", metadata: ["port": "\(port)", "settings": "\(settings.summary)"])
                    lastError = nil
                    delay = backoff.initial
                    let reason = await read(fd: fd, decoder: &decoder)
                    await sink.deliver(
                        deviceID: device.id, batch: decoder.finish(receivedAt: clock()), counters: decoder.counters)
                    if Task.isCancelled { break }
                    sink.registry.set(device.id, state: .offline, error: reason)
                    logger.warning("serial port lost; reopening", metadata: ["reason": "\(reason)"])
                } catch {
                    let text = "\(error)"
                    sink.registry.set(device.id, state: .offline, error: text)
                    // Say it once per distinct failure, not on every retry of a port that is gone.
                    if text != lastError { logger.warning("serial port unavailable", metadata: ["error": "\(text)"]) }
                    lastError = text
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, backoff.maximum)
            }
        }
        sink.registry.set(device.id, state: .offline, error: "hub stopped")
    }

    /// Reads until the port closes or fails; returns why it stopped.
    private func read(fd: CInt, decoder: inout FeedDecoder) async -> String {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .takingOwnershipOfDescriptor(inputOutput: fd) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
                    }
                }
        } catch {
            close(fd)
            return "cannot watch port: \(error)"
        }
        var local = decoder
        let reason: String
        do {
            reason = try await channel.executeThenClose { inbound, _ in
                for try await buffer in inbound {
                    let bytes = Array(buffer.readableBytesView)
                    let batch = local.push(bytes[...], receivedAt: clock())
                    await sink.deliver(deviceID: device.id, batch: batch, counters: local.counters)
                }
                return "port closed"
            }
        } catch {
            reason = "\(error)"
        }
        decoder = local
        return reason
    }
}

/// Reconnect delays: doubling from `initial` up to `maximum`.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }
}
