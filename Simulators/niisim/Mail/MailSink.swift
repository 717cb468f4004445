import Foundation
import HubSimulation
import NIOCore
import NIOPosix
import Synchronization

/// A mail relay for scenarios (`mail: {listen: 127.0.0.1:PORT}`): plain SMTP on a loopback port,
/// every message kept with the moment it arrived, so `expect: mail:` can say who got what, in which
/// language, in which order and how long after an alarm. Plain SMTP because it only ever listens on
/// loopback, the one place the hub's site allows `smtp: {starttls: false}`.
final class MailSink: Sendable {
    let port: Int
    private let channel: any Channel
    private let inbox: Inbox

    /// The messages taken so far, in the order they arrived.
    final class Inbox: Sendable {
        private let mails = Mutex<[ReceivedMail]>([])
        func add(_ m: ReceivedMail) { mails.withLock { $0.append(m) } }
        var all: [ReceivedMail] { mails.withLock { $0 } }
    }

    private init(port: Int, channel: any Channel, inbox: Inbox) {
        self.port = port
        self.channel = channel
        self.inbox = inbox
    }

    /// Listens on `address` (HOST:PORT, loopback only).
    static func start(_ address: String) async throws -> MailSink {
        let e = try Loopback.endpoint(address)
        let inbox = Inbox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(SessionHandler(inbox: inbox)) }
            }
            .bind(host: e.host, port: e.port).get()
        note("mail sink on \(e.host):\(channel.localAddress?.port ?? e.port)")
        return MailSink(port: channel.localAddress?.port ?? e.port, channel: channel, inbox: inbox)
    }

    var messages: [ReceivedMail] { inbox.all }

    func close() async {
        try? await channel.close()
    }

    /// Lines in, the session's replies out, finished messages into the inbox.
    private final class SessionHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let inbox: Inbox
        private var session = SMTPSinkSession()
        private var pending: [UInt8] = []

        init(inbox: Inbox) { self.inbox = inbox }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: SMTPSinkSession.greeting + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let lf = pending.firstIndex(of: 0x0A) {
                var line = pending[..<lf]
                if line.last == 0x0D { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                pending.removeSubrange(...lf)
                let out = session.feed(text)
                if let m = out.mail {
                    inbox.add(ReceivedMail(from: m.from, to: m.to, at: Date(), lines: m.lines))
                    note("mail to \(m.to.joined(separator: ", ")): \(MailContent(lines: m.lines).subject)")
                }
                if let reply = out.reply { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply + "\r\n")), promise: nil) }
                if out.close {
                    context.close(promise: nil)
                    return
                }
            }
            // A line with no end in sight: not SMTP.
            if pending.count > 64 << 10 {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "500 line too long\r\n")), promise: nil)
                context.close(promise: nil)
            }
        }
    }
}
