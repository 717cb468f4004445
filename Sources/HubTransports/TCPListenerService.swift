import Foundation
import HubDevices
import HubIngest
import HubModel
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Accepts connections from devices that dial in (GPS seals and trackers over GPRS): each connection
/// gets its own decoder (`UnitConnectionHandler`), its replies written back after its batch is
/// stored, an idle timeout, and a bounded read buffer; the next read waits until the store took the
/// last one (backpressure), so a flooding unit slows itself, not the others. A connection that sends nothing but noise is closed after
/// `maxRejectsWithoutReading` rejected frames, and counted (`connectionsDropped`).
public struct TCPListenerService: Service {
    /// Rejected frames a connection may send in a row, with no reading between, before it is closed.
    /// Noise is archived and counted in runs of at most 256 bytes, so a flooder is closed within
    /// tens of kilobytes; a unit with a bad frame now and then is never near it.
    public static let maxRejectsWithoutReading = 64

    private let wiring: DeviceWiring
    public var device: DeviceInstance { wiring.device }
    private var sink: IngestSink { wiring.sink }
    private var ids: EventIDGenerator { wiring.ids }
    private var logger: Logger { wiring.logger }

    /// A listener for `device`, or nil when its site entry gives no `listen:` address.
    public init?(device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger) {
        guard device.listen != nil else { return nil }
        wiring = DeviceWiring(device: device, sink: sink, ids: ids, logger: logger)
    }

    public func run() async throws {
        let address = device.listen!
        let network = device.profile.transport.network
        let connections = ListenerConnections(deviceID: device.id, registry: sink.registry, limit: network.maxConnections)
        let listener = UnitConnectionHandler.Listener(device: device, sink: sink, ids: ids, logger: logger, connections: connections)
        let (device, logger) = (device, logger)
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                // A unit that half-closes after its last report still gets that report's ack.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                // The handler asks for each read once the previous one is stored (backpressure).
                .childChannelOption(.autoRead, value: false)
                // A seal's report is about a hundred bytes; the buffer grows for units that send more.
                .childChannelOption(
                    .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 16_384))
                .childChannelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture {
                        guard connections.admit(ch) else {
                            if !connections.isClosing {
                                logger.warning("connection refused: listener full", metadata: ["max": "\(network.maxConnections)"])
                            }
                            ch.close(promise: nil)
                            return
                        }
                        do {
                            guard let handler = UnitConnectionHandler(listener: listener, channel: ch) else {
                                throw ChannelError.ioOnClosedChannel
                            }
                            try ch.pipeline.syncOperations.addHandler(
                                IdleStateHandler(readTimeout: .fractionalSeconds(network.idleTimeoutS)))
                            try ch.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                            try ch.pipeline.syncOperations.addHandler(handler)
                        } catch {
                            connections.ended(ch)
                            throw error
                        }
                    }
                }
                .bind(host: address.host, port: address.port).get()
        } catch {
            logger.error("cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
            await sink.link(device.id, .down, error: "cannot listen on \(address): \(error)")
            return
        }
        let port = server.localAddress?.port ?? address.port
        sink.registry.endpoint(device.id, "listen \(NetworkAddress(host: address.host, port: port))")
        await sink.link(device.id, .up)
        logger.info("listening", metadata: ["address": "\(address.host):\(port)"])
        // Connections live on their event loops; this service only waits for the hub to stop, then
        // closes the listener and every connection and waits until each one's last bytes are stored.
        try? await gracefulShutdown()
        try? await server.close().get()
        connections.closeAll()
        // In a task of its own: the supervisor cancels its listeners when the hub stops, and the last
        // bytes must still be stored before this returns.
        if await !Task(operation: { await connections.drained() }).value {
            logger.warning("connections still storing their last bytes when the hub stopped")
        }
        await sink.link(device.id, .down, error: "hub stopped")
    }
}

/// The open connections of one listener: a ceiling on their number, their count in the device's
/// row, and, when the hub stops, closing them all and waiting until each has stored its last bytes.
final class ListenerConnections: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        /// Set when the hub stops: a connection accepted just before the listener closed, whose
        /// set-up runs after `closeAll`, is refused rather than left open past it.
        var closing = false
    }

    private let state = Mutex(State())
    private let deviceID: String
    private let registry: DeviceRegistry
    private let limit: Int

    init(deviceID: String, registry: DeviceRegistry, limit: Int) {
        self.deviceID = deviceID
        self.registry = registry
        self.limit = limit
    }

    /// True once the hub began to stop.
    var isClosing: Bool { state.withLock { $0.closing } }

    /// Counts `channel` in, unless the listener is full or closing.
    func admit(_ channel: any Channel) -> Bool {
        let admitted = state.withLock { s in
            guard s.open.count < limit, !s.closing else { return false }
            s.open[ObjectIdentifier(channel)] = channel
            return true
        }
        if admitted { registry.connections(deviceID, delta: 1) }
        return admitted
    }

    /// `channel` is closed and its session's last bytes are stored.
    func ended(_ channel: any Channel) {
        let removed = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) != nil }
        if removed { registry.connections(deviceID, delta: -1) }
    }

    /// Closes every open connection (each ends its session as it goes).
    func closeAll() {
        let open = state.withLock { s in
            s.closing = true
            return Array(s.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Returns once no connection is open, or after `limit` (a store that stopped answering must not
    /// hold the hub's stop forever); true when every connection ended.
    func drained(within limit: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while state.withLock({ !$0.open.isEmpty }) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
