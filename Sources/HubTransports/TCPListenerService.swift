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
/// gets its own decoder, its replies written back after its batch is stored, an idle timeout, and a
/// bounded read buffer; reading pauses while the store catches up (backpressure), so a flooding
/// unit slows itself, not the others. A connection that sends nothing but noise is closed after
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
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                // A unit that half-closes after its last report still gets that report's ack.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(
                    .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 16_384))
                .bind(host: address.host, port: address.port) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .fractionalSeconds(network.idleTimeoutS)))
                        try ch.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: ch,
                            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8)))
                    }
                }
        } catch {
            logger.error("cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
            await sink.link(device.id, .down, error: "cannot listen on \(address): \(error)")
            return
        }
        let port = server.channel.localAddress?.port ?? address.port
        sink.registry.endpoint(device.id, "listen \(NetworkAddress(host: address.host, port: port))")
        await sink.link(device.id, .up)
        logger.info("listening", metadata: ["address": "\(address.host):\(port)"])
        let open = ConnectionCount()
        await cancelWhenGracefulShutdown {
            try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        guard open.tryAdd(limit: network.maxConnections) else {
                            logger.warning("connection refused: listener full", metadata: ["max": "\(network.maxConnections)"])
                            try? await connection.channel.close()
                            continue
                        }
                        group.addTask {
                            sink.registry.connections(device.id, delta: 1)
                            await serve(connection)
                            sink.registry.connections(device.id, delta: -1)
                            open.remove()
                        }
                    }
                }
            }
        }
        await sink.link(device.id, .down, error: "hub stopped")
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let admissions = sink.registry.admissions
        guard var session = DeviceSession(device: device, ids: ids, admission: admissions.rule(for: device)) else { return }
        var watch = AdmissionWatch(
            device: device.id, remoteAddress: connection.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" })
        do {
            try await connection.executeThenClose { inbound, outbound in
                // A unit may close its side right after sending: every frame it sent is still decoded
                // and stored, even once its acks can no longer be written.
                var canReply = true
                for try await buffer in inbound {
                    guard let replies = await session.receive(Array(buffer.readableBytesView)[...], sink: sink) else {
                        return  // not stored: close without acknowledging, the unit will resend
                    }
                    sink.registry.pending(device.id, bytes: session.decoder.pendingBytes)
                    if session.rejectsSinceReading >= Self.maxRejectsWithoutReading {
                        let dropped = sink.registry.droppedConnection(device.id)
                        // A flooder that dials again and again must not flood the log as well.
                        if dropped == 1 || dropped % 100 == 0 {
                            logger.warning("connection closed: it sends only noise", metadata: [
                                "rejected": "\(session.rejectsSinceReading)", "droppedSoFar": "\(dropped)",
                                "remote": "\(connection.channel.remoteAddress.map { "\($0)" } ?? "?")",
                            ])
                        }
                        return
                    }
                    let close = watch.mustClose(
                        unit: session.decoder.unit, frames: session.decoder.counters.frames, admissions: admissions)
                    if canReply {
                        do {
                            for r in replies { try await outbound.write(ByteBuffer(bytes: r)) }
                        } catch {
                            canReply = false
                        }
                    }
                    if close {
                        logger.info("unit not admitted: connection closed", metadata: ["unit": "\(session.decoder.unit?.id ?? "")"])
                        return
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
        await session.end(sink: sink)
    }
}

/// Open connections of one listener, with a ceiling.
final class ConnectionCount: Sendable {
    private let count = Mutex(0)

    func tryAdd(limit: Int) -> Bool {
        count.withLock { c in
            guard c < limit else { return false }
            c += 1
            return true
        }
    }

    func remove() { count.withLock { $0 -= 1 } }
}
