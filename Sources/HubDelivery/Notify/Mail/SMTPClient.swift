import Foundation
import HubSite
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321) on SwiftNIO, for what the hub sends: one message per
/// connection. It upgrades the connection with STARTTLS (RFC 3207) before anything but EHLO when
/// the settings ask for it (the default), verifying the relay's certificate (chain and name or
/// address) against `caFile` or the system's roots, logs in with AUTH PLAIN or LOGIN when given a
/// user, and sends the message dot-stuffed. Every step must answer within `timeout` in all.
public struct SMTPClient: Sendable {
    /// The relay refused a step, or broke the protocol.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let settings: SMTPSettings
    private let timeout: Duration

    public init(settings: SMTPSettings, timeout: Duration = .seconds(30)) {
        self.settings = settings
        self.timeout = timeout
    }

    /// Sends `rendered` (RFC 5322 text, CRLF lines) from `settings.from` to `recipients`.
    public func send(_ rendered: String, to recipients: [String]) async throws {
        let timeout = self.timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.session(rendered, to: recipients) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure(description: "the SMTP relay did not finish within \(timeout)")
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    private func session(_ rendered: String, to recipients: [String]) async throws {
        let tls = try settings.starttls ? NIOSSLContext(configuration: tlsConfiguration()) : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            var conversation = Conversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await conversation.expect(220, "greeting")
            var ehlo = try await conversation.command("EHLO \(settings.helo)", 250)
            if let tls {
                guard ehlo.extensions.contains("STARTTLS") else { throw Failure(description: "the relay does not offer STARTTLS") }
                try await conversation.command("STARTTLS", 220)
                let host = settings.host
                // An address is checked against the certificate's IP entries; only a name goes in SNI.
                let name: String? = Self.isAddress(host) ? nil : host
                let raw = channel.channel
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: tls, serverHostname: name), position: .first)
                }.get()
                do {
                    ehlo = try await conversation.command("EHLO \(settings.helo)", 250)
                } catch let closed as ChannelError where closed == .ioOnClosedChannel {
                    // The handshake failed before EHLO went out: why it failed is what the inbound side saw.
                    _ = try await conversation.reply()
                    throw closed
                }
            }
            if let user = settings.username, let passwordFile = settings.passwordFile {
                try await login(&conversation, user: user, password: try Self.password(passwordFile), offered: ehlo.extensions)
            }
            try await conversation.command("MAIL FROM:<\(settings.from)>", 250)
            for r in recipients { try await conversation.command("RCPT TO:<\(r)>", 250, 251) }
            try await conversation.command("DATA", 354)
            try await conversation.send(MailMessage.dotStuffed(rendered))
            try await conversation.expect(250, "message")
            _ = try? await conversation.command("QUIT", 221)
        }
    }

    private func login(_ c: inout Conversation, user: String, password: String, offered: [String]) async throws {
        let mechanisms = offered.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }?.dropFirst(5).split(separator: " ") ?? []
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try await c.command("AUTH PLAIN \(token)", 235, secret: true)
        } else if mechanisms.contains("LOGIN") {
            try await c.command("AUTH LOGIN", 334)
            try await c.command(Data(user.utf8).base64EncodedString(), 334)
            try await c.command(Data(password.utf8).base64EncodedString(), 235, secret: true)
        } else {
            throw Failure(description: "the relay offers neither AUTH PLAIN nor AUTH LOGIN")
        }
    }

    private func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        if let ca = settings.caFile { tls.trustRoots = .file(ca) }
        return tls
    }

    static func password(_ file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure(description: "cannot read the SMTP password file") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// Commands and replies over one connection.
    private struct Conversation {
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var parser = SMTPReplyParser()
        var ready: [SMTPReply] = []

        init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
            self.inbound = inbound
            self.outbound = outbound
        }

        mutating func reply() async throws -> SMTPReply {
            while ready.isEmpty {
                guard let bytes = try await inbound.next() else { throw Failure(description: "the relay closed the connection") }
                ready += try parser.feed(bytes.readableBytesView)
            }
            return ready.removeFirst()
        }

        mutating func send(_ text: String) async throws {
            try await outbound.write(ByteBuffer(string: text))
        }

        @discardableResult
        mutating func expect(_ codes: Int..., what: String) async throws -> SMTPReply {
            let r = try await reply()
            guard codes.contains(r.code) else {
                throw Failure(description: "\(what): the relay answered \(r.code) \(r.lines.joined(separator: " "))")
            }
            return r
        }

        @discardableResult
        mutating func expect(_ code: Int, _ what: String) async throws -> SMTPReply {
            try await expect(code, what: what)
        }

        /// Sends a command line and reads its reply, which must carry one of `codes`. A secret
        /// command (a login) is not named in the error.
        @discardableResult
        mutating func command(_ line: String, _ codes: Int..., secret: Bool = false) async throws -> SMTPReply {
            try await send(line + "\r\n")
            let r = try await reply()
            guard codes.contains(r.code) else {
                let what = secret ? "login" : String(line.prefix(40))
                throw Failure(description: "\(what): the relay answered \(r.code) \(r.lines.joined(separator: " "))")
            }
            return r
        }
    }
}
