import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The HTTP server's child channel with a deadline for the first request head. The WebSocket
/// upgrade channel reads the first request before any HTTP idle timer exists, so a client that
/// connects and sends nothing (or drips a head byte by byte) would hold its socket for ever; here
/// it is closed once `timeout` passes without a whole head.
struct FirstRequestDeadline<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeadDeadlineHandler(timeout: timeout))
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the WebSocket upgrade on `router`, each connection closed when its first request
    /// head has not arrived within the HTTP idle timeout.
    package static func http1WebSocketUpgrade(
        router: Router<HubRequestContext>, configuration: HTTP1WebSocketUpgradeChannel.Configuration, firstRequestWithin: TimeAmount
    ) -> HTTPServerBuilder {
        let webSocketResponder = router.buildResponder()
        return HTTPServerBuilder { responder in
            FirstRequestDeadline(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                timeout: firstRequestWithin)
        }
    }
}

/// Closes its channel unless the end of a request head (an empty line) has passed by the deadline;
/// after that it only passes bytes on. At the server's graceful shutdown a connection still waiting
/// for its first head is closed at once: nothing further in the pipeline knows it yet (Hummingbird's
/// connection state, which closes idle connections then, is added once a head has come), and the
/// server's stop waits for every connection to end, so a client that had opened a connection and
/// sent nothing held the hub's stop for the whole deadline.
final class HeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var done = false
    /// The last bytes seen, for an empty line split across reads.
    private var tail: [UInt8] = []

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let bytes = unwrapInboundIn(data).readableBytesView
            if Self.endsHead(tail + Array(bytes.prefix(3))) || Self.endsHead(bytes) {
                done = true
                deadline?.cancel()
            }
            tail = Array((tail + Array(bytes.suffix(3))).suffix(3))
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, !done {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil, !done else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
    }

    /// Whether the bytes hold CR LF CR LF.
    static func endsHead<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var run = 0
        for b in bytes {
            switch (run, b) {
            case (0, 13), (2, 13): run += 1
            case (1, 10), (3, 10): run += 1
            case (_, 13): run = 1
            default: run = 0
            }
            if run == 4 { return true }
        }
        return false
    }
}
