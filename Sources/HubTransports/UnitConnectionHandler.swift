import Foundation
import HubDevices
import HubIngest
import HubModel
import Logging
import NIOCore

/// One dialled-in unit's connection, served on its channel's event loop. An idle connection holds
/// only its channel, this handler and its decoder: no task waits on it. (A task per connection kept
/// the deepest stack its first delivery reached for the connection's whole life, about 14 KB each,
/// most of the hub's memory with 10,000 seals connected.) Reading is driven by hand (`autoRead` off):
/// what one read brought is decoded and delivered by a short task, and its replies (acks) are written
/// once it is stored. One more read is asked for meanwhile, and what it brings waits for that
/// delivery to end, so a unit can never be acknowledged ahead of the store and a flooding unit slows
/// itself, not the others.
final class UnitConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection of one listener shares.
    struct Listener: Sendable {
        let device: DeviceInstance
        let sink: IngestSink
        let ids: EventIDGenerator
        let logger: Logger
        let connections: ListenerConnections
    }

    private let listener: Listener
    /// The decoder, or nil while a task is delivering what it decoded.
    private var session: SessionCell?
    private var watch: AdmissionWatch
    /// Bytes read since the last delivery started.
    private var unread: [UInt8] = []
    private var inputClosed = false
    private var canReply = true
    /// Set once the session was ended (its trailing frame stored); nothing is read after.
    private var ended = false
    /// The unit this connection is registered for in `DeviceRegistry.units` (to send it commands).
    private var linkedUnit: String?
    /// This connection's number among the links (the channel's identity, as a number).
    private let connectionNumber: Int

    init?(listener: Listener, channel: any Channel) {
        let admissions = listener.sink.registry.admissions
        guard let session = DeviceSession(device: listener.device, ids: listener.ids, admission: admissions.rule(for: listener.device))
        else { return nil }
        self.listener = listener
        self.session = SessionCell(session)
        connectionNumber = ObjectIdentifier(channel).hashValue
        watch = AdmissionWatch(
            device: listener.device.id, remoteAddress: channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" })
    }

    func channelActive(context: ChannelHandlerContext) {
        context.read()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unread.append(contentsOf: unwrapInboundIn(data).readableBytesView)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if session != nil { deliverOrRead(context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A unit may close its side right after sending: what it sent is still decoded and stored,
        // and its acks written while the other side stays open.
        if let e = event as? ChannelEvent, e == .inputClosed {
            inputClosed = true
            if session != nil { deliverOrRead(context) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inputClosed = true
        canReply = false
        if session != nil { end(context) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        listener.logger.debug("connection ended", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Delivers what was read, or asks for more; at the end of input, ends the session.
    private func deliverOrRead(_ context: ChannelHandlerContext) {
        if !unread.isEmpty {
            deliver(context)
        } else if inputClosed {
            end(context)
        } else {
            context.read()
        }
    }

    private func deliver(_ context: ChannelHandlerContext) {
        guard let taken = session else { return }
        session = nil
        let bytes = unread
        unread = []
        // One read ahead while the batch is stored: asked for now, the socket's read interest stays
        // registered (asked for only after the ack, NIO dropped and added it again, two `epoll_ctl`
        // calls per message: 2.5 % of the hub's CPU under the seal load). What it brings waits in
        // `unread`, and no further read is asked for until this delivery is done.
        if !inputClosed { context.read() }
        let sink = listener.sink
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        Task {
            let replies = await taken.receive(bytes[...], sink: sink)
            loop.execute {
                let (handler, context) = bound.value
                handler.delivered(taken, replies: replies, context)
            }
        }
    }

    private func delivered(_ cell: SessionCell, replies: [[UInt8]]?, _ context: ChannelHandlerContext) {
        let after = cell.session.takeAfterDelivery()
        self.session = cell
        let sink = listener.sink
        guard let replies else {
            // Not stored: close without acknowledging, the unit will resend.
            return close(context)
        }
        sink.registry.pending(listener.device.id, bytes: after.pendingBytes)
        if after.rejectsSinceReading >= TCPListenerService.maxRejectsWithoutReading {
            let dropped = sink.registry.droppedConnection(listener.device.id)
            // A flooder that dials again and again must not flood the log as well.
            if dropped == 1 || dropped % 100 == 0 {
                listener.logger.warning("connection closed: it sends only noise", metadata: [
                    "rejected": "\(after.rejectsSinceReading)", "droppedSoFar": "\(dropped)",
                    "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                ])
            }
            return close(context)
        }
        let mustClose = watch.mustClose(
            unit: after.unit, frames: after.frames, admissions: sink.registry.admissions)
        // Linked before the login's ack goes out: a unit that hears its ack can be sent a command.
        if !mustClose { link(after.unit, answers: after.answers, context.channel) }
        if canReply, context.channel.isActive, !replies.isEmpty {
            for r in replies { context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: r)), promise: nil) }
            context.flush()
        }
        if mustClose {
            listener.logger.info("unit not admitted: connection closed", metadata: ["unit": "\(after.unit?.id ?? "")"])
            return close(context)
        }
        if context.channel.isActive || !unread.isEmpty {
            deliverOrRead(context)
        } else {
            end(context)
        }
    }

    /// Registers an admitted unit's connection for commands (once it has named itself) and hands on
    /// the answers to commands its driver read, after they are stored with the rest.
    private func link(_ unit: UnitLogin?, answers: [UnitAnswer], _ channel: any Channel) {
        let units = listener.sink.registry.units
        if let unit, unit.verdict == .admitted, linkedUnit != unit.id {
            if let old = linkedUnit { units.disconnected(old, connection: connectionNumber) }
            linkedUnit = unit.id
            units.connected(
                unit.id,
                UnitLinks.Link(
                    deviceID: listener.device.id, protocolName: listener.device.profile.protocol, connection: connectionNumber,
                    write: { bytes in channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }))
        }
        if let id = linkedUnit, !answers.isEmpty { units.answered(id, connection: connectionNumber, answers) }
    }

    /// Ends the session (its trailing partial frame decoded and stored), then closes the channel.
    private func close(_ context: ChannelHandlerContext) {
        inputClosed = true
        unread = []
        end(context)
    }

    /// Closes the channel and ends the session: its trailing partial frame is decoded and stored.
    private func end(_ context: ChannelHandlerContext) {
        guard !ended, let taken = session else { return }
        ended = true
        session = nil
        if let unit = linkedUnit { listener.sink.registry.units.disconnected(unit, connection: connectionNumber) }
        context.close(promise: nil)
        let sink = listener.sink
        let connections = listener.connections
        let channel = context.channel
        Task {
            await taken.end(sink: sink)
            connections.ended(channel)
        }
    }
}

/// A connection's decoding session, held by reference: it goes from the event loop to the task that
/// delivers a read and back without being copied (a `DeviceSession` holds the decoder, its driver
/// and counters; copying it twice per message was 1.6 % of the hub's CPU under the seal load).
/// One party uses it at a time: the handler gives it up (`session = nil`) before the task takes it,
/// and takes it back on the event loop once the task is done.
private final class SessionCell: @unchecked Sendable {
    var session: DeviceSession

    init(_ session: DeviceSession) { self.session = session }

    func receive(_ bytes: ArraySlice<UInt8>, sink: IngestSink) async -> [[UInt8]]? {
        await session.receive(bytes, sink: sink)
    }

    func end(sink: IngestSink) async { await session.end(sink: sink) }
}
