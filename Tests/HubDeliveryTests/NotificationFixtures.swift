import Foundation
import HubModel
import HubTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// A real SMTP relay on loopback: Python's aiosmtpd, speaking STARTTLS with a certificate the
/// test's own CA signed, requiring a login over TLS, and writing each message it accepts (sender,
/// recipients, decoded subject and text, whether the session was TLS and logged in, the attachments' names
/// and the CSV ones' text) as a JSON line.
final class TestSMTPRelay: Sendable {
    static let user = "hub"
    static let password = "relay-pass"

    private let process: Process
    private let log: String
    let port: Int

    init(pki: TestPKI, in dir: TemporaryDirectory, port: Int) async throws {
        let script = try dir.write("smtp_relay.py", Self.script)
        log = dir.path("smtp-\(port).jsonl")
        let ready = dir.path("smtp-\(port).ready")
        try? FileManager.default.removeItem(atPath: ready)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, pki.certificate, pki.key, String(port), log, ready, Self.user, Self.password]
        p.standardInput = Pipe()
        let errors = dir.path("smtp-\(port).stderr")
        FileManager.default.createFile(atPath: errors, contents: nil)
        p.standardError = FileHandle(forWritingAtPath: errors)
        try p.run()
        process = p
        self.port = port
        let started = await eventually { FileManager.default.fileExists(atPath: ready) || !p.isRunning }
        try #require(
            started && p.isRunning,
            "aiosmtpd did not start (is the aiosmtpd module installed? make test installs it): \((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")")
    }

    /// Every message received so far, in order.
    var messages: [[String: Any]] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func messages(to address: String) -> [[String: Any]] {
        messages.filter { ($0["to"] as? [String])?.contains(address) == true }
    }

    /// Kills the relay. SIGKILL: the test runner's threads block SIGTERM, and a child inherits that.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A loopback port nothing listens on now.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    static let script = #"""
        import email, email.policy, json, ssl, sys
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        cert, key, port, out, ready, user, password = sys.argv[1:8]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        class Recorder:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))
                html = message.get_body(preferencelist=("html",))
                record = {"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(message["subject"]),
                          "text": body.get_content() if body is not None else "", "tls": session.ssl is not None,
                          "authenticated": bool(session.authenticated),
                          "attachments": [p.get_filename() for p in message.iter_attachments()],
                          "csv": [p.get_payload(decode=True).decode("utf-8") for p in message.iter_attachments()
                                  if p.get_content_type() == "text/csv"],
                          "html": html.get_content() if html is not None else ""}
                with open(out, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
            return AuthResult(success=ok)

        controller = Controller(Recorder(), hostname="127.0.0.1", port=int(port), tls_context=context, require_starttls=True,
                                authenticator=authenticator, auth_required=True, auth_require_tls=True)
        controller.start()
        open(ready, "w").close()
        sys.stdin.read()
        controller.stop()
        """#
}

/// A webhook receiver on loopback (NIO HTTP/1.1) that checks each POST's HMAC signature with the
/// secret it shares with the hub, answers 200 to a good one and 401 to a bad one, and records both.
final class SignedWebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var body: Data
        var signatureValid: Bool
    }

    private final class Log: Sendable {
        let items = Mutex<[Delivery]>([])
    }

    private let log = Log()
    private let server: any Channel
    let port: Int

    init(verify: @escaping @Sendable (_ body: [UInt8], _ timestamp: String, _ signature: String) -> Bool) async throws {
        let deliveries = log
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Checker(deliveries: deliveries, verify: verify))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = server.localAddress?.port ?? 0
    }

    var received: [Delivery] { log.items.withLock { $0 } }

    func stop() async throws { try await server.close() }

    private final class Checker: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let deliveries: Log
        let verify: @Sendable ([UInt8], String, String) -> Bool
        var headers = HTTPHeaders()
        var body = ByteBuffer()

        init(deliveries: Log, verify: @escaping @Sendable ([UInt8], String, String) -> Bool) {
            self.deliveries = deliveries
            self.verify = verify
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                headers = head.headers
                body.clear()
            case .body(var bytes):
                body.writeBuffer(&bytes)
            case .end:
                let bytes = Array(body.readableBytesView)
                let ok = verify(bytes, headers["X-NIIHub-Timestamp"].first ?? "", headers["X-NIIHub-Signature"].first ?? "")
                deliveries.items.withLock { $0.append(Delivery(body: Data(bytes), signatureValid: ok)) }
                let head = HTTPResponseHead(version: .http1_1, status: ok ? .ok : .unauthorized, headers: ["Content-Length": "0"])
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
