import Foundation
import HubDevices
import HubIngest
import HubModel
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Receives datagrams from devices that report over UDP. Each sending address keeps its own decoder
/// (up to the profile's `maxPeers`, least recently heard dropped first); replies go back to the
/// sender once the datagram's events are stored.
public struct UDPListenerService: Service {
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
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        do {
            channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .bind(host: address.host, port: address.port) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: ch)
                    }
                }
        } catch {
            await sink.link(device.id, .down, error: "cannot listen on udp \(address): \(error)")
            return
        }
        let port = channel.channel.localAddress?.port ?? address.port
        sink.registry.endpoint(device.id, "listen udp \(NetworkAddress(host: address.host, port: port))")
        await sink.link(device.id, .up)
        let maxPeers = device.profile.transport.network.maxPeers
        await cancelWhenGracefulShutdown {
            var peers = PeerTable(capacity: maxPeers)
            do {
                try await channel.executeThenClose { inbound, outbound in
                    for try await envelope in inbound {
                        let key = "\(envelope.remoteAddress)"
                        let admissions = sink.registry.admissions
                        guard var session = peers.take(key)
                            ?? DeviceSession(device: device, ids: ids, admission: admissions.rule(for: device))
                        else { continue }
                        let replies = await session.receive(Array(envelope.data.readableBytesView)[...], sink: sink)
                        // A peer whose unit is not admitted is listed; once an admin decides, its next
                        // datagram starts a fresh session under the new rule.
                        var watch = AdmissionWatch(device: device.id, remoteAddress: key)
                        if !watch.mustClose(unit: session.decoder.unit, frames: 1, admissions: admissions) {
                            peers.put(key, session)
                        }
                        for r in replies ?? [] {
                            try await outbound.write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: r)))
                        }
                    }
                }
            } catch where !Task.isCancelled {
                logger.warning("udp listener ended", metadata: ["error": "\(error)"])
            } catch {
                // Shutting down: the watch was cancelled on purpose.
            }
        }
        await sink.link(device.id, .down, error: "hub stopped")
    }
}

/// Decoder state per sending address, bounded: the least recently heard peer goes first.
struct PeerTable {
    let capacity: Int
    private var sessions: [String: DeviceSession] = [:]
    private var lastHeard: [String: UInt64] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { sessions.count }

    mutating func take(_ key: String) -> DeviceSession? { sessions.removeValue(forKey: key) }

    mutating func put(_ key: String, _ session: DeviceSession) {
        clock += 1
        sessions[key] = session
        lastHeard[key] = clock
        if sessions.count > capacity, let oldest = lastHeard.min(by: { $0.value < $1.value })?.key {
            sessions.removeValue(forKey: oldest)
            lastHeard.removeValue(forKey: oldest)
        }
    }
}
