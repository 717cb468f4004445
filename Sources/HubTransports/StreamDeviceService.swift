import Foundation
import HubDevices
import HubIngest
import HubModel
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Keeps one device's byte stream open for the life of the hub: a serial port (termios, raw), or a
/// TCP connection to a device that serves. Every byte goes through the device's decoder into the
/// sink; replies are written back only once what came before them is stored. When the link fails
/// or vanishes the device goes offline and the link is reopened with growing backoff. A reload that
/// changes only how the device is decoded reaches the running service through `settings`: the link
/// stays open and the decoder keeps what it holds (an occupancy half seen).
public struct StreamDeviceService: Service {
    /// How the link is opened.
    public enum Connector: Sendable {
        case serial(path: String, settings: SerialSettings)
        case tcp(NetworkAddress)
    }

    public let device: DeviceInstance
    private let connector: Connector
    private let sink: IngestSink
    private let ids: EventIDGenerator
    private let logger: Logger
    private let backoff: Backoff
    /// The speed hunt of a serial line that says `baud: auto`.
    private let tuner: SerialTuner?
    /// New decoding settings from a reload, taken before the next bytes are decoded.
    let settings: DecoderSettings
    /// What the device's last `device.status` says when this service ends.
    var endReason = "hub stopped"

    /// A service for `device`, or nil when its configuration gives no stream to open.
    public init?(
        device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger, backoff: Backoff = Backoff(),
        settings: DecoderSettings = DecoderSettings()
    ) {
        if let port = device.port, let settings = device.serial {
            connector = .serial(path: port, settings: settings)
        } else if let address = device.connect {
            connector = .tcp(address)
        } else {
            return nil
        }
        self.device = device
        self.sink = sink
        self.ids = ids
        self.backoff = backoff
        self.settings = settings
        var logger = logger
        logger[metadataKey: "device"] = "\(device.id)"
        self.logger = logger
        if case .serial(let path, let line) = connector, let plan = line.auto {
            tuner = SerialTuner(
                hunt: BaudHunt(plan: plan, base: line), deviceID: device.id, path: path, registry: sink.registry,
                logger: logger)
        } else {
            tuner = nil
        }
    }

    public func run() async throws {
        guard DeviceSession(device: device, ids: ids) != nil else {
            logger.error("no driver for protocol '\(device.profile.protocol)'; device not started")
            await sink.link(device.id, .down, error: "no driver for protocol \(device.profile.protocol)")
            return
        }
        await cancelWhenGracefulShutdown {
            var session = DeviceSession(device: device, ids: ids)!
            var delay = backoff.initial
            var lastError: String?
            while !Task.isCancelled {
                do {
                    let channel = try await open()
                    await sink.link(device.id, .up)
                    logger.info("link open", metadata: ["link": "\(describe)"])
                    lastError = nil
                    delay = backoff.initial
                    let reason = await pump(channel, session: &session)
                    await session.end(sink: sink)
                    if Task.isCancelled { break }
                    await sink.link(device.id, .down, error: reason)
                    logger.warning("link lost; reopening", metadata: ["reason": "\(reason)"])
                } catch {
                    let text = "\(error)"
                    await sink.link(device.id, .down, error: text)
                    // Said once per distinct failure, not on every retry of a port that is gone.
                    if text != lastError { logger.warning("link unavailable", metadata: ["error": "\(text)"]) }
                    lastError = text
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, backoff.maximum)
            }
        }
        await sink.link(device.id, .down, error: endReason)
    }

    private var describe: String {
        switch connector {
        case .serial(let path, let settings): "\(path) \((tuner?.current ?? settings).summary)"
        case .tcp(let address): "tcp \(address)"
        }
    }

    private func open() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        switch connector {
        case .serial(let path, let settings):
            // A terminal (`SerialPort.open` checked it), so NIO accepts it. Once handed over, the
            // descriptor is NIO's even when setting the channel up fails (NIO closes it then): it is
            // never closed here, since its number may already belong to another channel.
            let fd = try SerialPort.open(path: path, settings: tuner?.current ?? settings)
            // The row says the settings in force, also after a reload changed them.
            if let tuner { tuner.attach(fd) } else { sink.registry.serial(device.id, settings.summary) }
            return try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .takingOwnershipOfDescriptor(inputOutput: fd) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
                    }
                }
        case .tcp(let address):
            let idle = device.profile.transport.network.idleTimeoutS
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: address.host, port: address.port) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .fractionalSeconds(idle)))
                        try ch.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
                    }
                }
        }
    }

    /// Reads until the link closes or fails; returns why it stopped.
    private func pump(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, session: inout DeviceSession) async -> String {
        var local = session
        defer { session = local }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                let ticker = tuner.map { t in Task { await t.tickUntilCancelled() } }
                defer {
                    ticker?.cancel()
                    tuner?.detach()
                }
                for try await buffer in inbound {
                    if let device = settings.take(), !local.reconfigure(for: device) {
                        logger.error("new settings name another protocol; kept the running decoder")
                    }
                    // A partial frame read at the old speed must not prefix the first one at the new:
                    // the decoder finishes (and archives) what it holds before the next bytes.
                    if let tuner, tuner.takeRetuned() { await local.end(sink: sink) }
                    let before = tuner == nil ? nil : local.decoder.counters
                    guard let replies = await local.receive(Array(buffer.readableBytesView)[...], sink: sink) else {
                        return "store unavailable; link closed so the device resends"
                    }
                    if let tuner, let before { tuner.observe(local.decoder.counters.since(before)) }
                    for r in replies { try await outbound.write(ByteBuffer(bytes: r)) }
                }
                return "link closed"
            }
        } catch {
            return "\(error)"
        }
    }
}

/// Decoding settings a reload hands a running device: the latest wins, and the service takes them
/// before it decodes its next bytes.
public final class DecoderSettings: Sendable {
    private let pending = Mutex<DeviceInstance?>(nil)

    public init() {}

    /// Hands `device`'s settings over, replacing any not yet taken.
    func post(_ device: DeviceInstance) { pending.withLock { $0 = device } }

    /// The settings handed over since the last call, if any.
    func take() -> DeviceInstance? {
        pending.withLock { p in
            defer { p = nil }
            return p
        }
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

extension TimeAmount {
    static func fractionalSeconds(_ s: Double) -> TimeAmount { .milliseconds(Int64(s * 1000)) }
}

/// Closes a connection when `IdleStateHandler` reports no reads for the idle timeout.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
