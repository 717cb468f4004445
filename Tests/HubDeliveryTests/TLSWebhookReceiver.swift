import Foundation
import HubTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Testing

/// A throwaway certificate authority and a server certificate it signed for 127.0.0.1, made by
/// openssl in `dir`: `<name>-ca.pem`, `<name>-server.pem` and `<name>-server.key`.
struct TestPKI {
    let ca: String
    let certificate: String
    let key: String

    static func make(_ name: String, in dir: TemporaryDirectory) async throws -> TestPKI {
        let pki = TestPKI(ca: dir.path("\(name)-ca.pem"), certificate: dir.path("\(name)-server.pem"), key: dir.path("\(name)-server.key"))
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let extensions = try dir.write(
            "\(name)-server.ext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
        for step in [
            ["openssl", "req", "-x509"] + ec + [
                "-keyout", dir.path("\(name)-ca.key"), "-out", pki.ca, "-days", "2", "-subj", "/CN=\(name) test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            ["openssl", "req"] + ec + ["-keyout", pki.key, "-out", dir.path("\(name)-server.csr"), "-subj", "/CN=127.0.0.1"],
            [
                "openssl", "x509", "-req", "-in", dir.path("\(name)-server.csr"), "-CA", pki.ca, "-CAkey", dir.path("\(name)-ca.key"),
                "-CAcreateserial", "-out", pki.certificate, "-days", "2", "-extfile", extensions,
            ],
        ] {
            let r = try await runToolOffPool(step)
            try #require(r.status == 0, "openssl: \(r.output)")
        }
        return pki
    }
}

/// The risk system's side over https: a real TLS HTTP/1.1 receiver on loopback (NIOSSL) that takes
/// every POST with 200 (or redirects it, or answers with `answerBytes` bytes) and records it, and
/// whose certificate the test swaps (closing the open connections, so the next exchange meets the
/// new one). Handshakes the client broke off are counted.
final class TLSWebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var key: String
        var body: Data
    }

    private final class State: Sendable {
        let context: Mutex<NIOSSLContext>
        let deliveries = Mutex<[Delivery]>([])
        let failedHandshakes = Mutex<[String]>([])
        let open = Mutex<[ObjectIdentifier: any Channel]>([:])

        init(_ context: NIOSSLContext) { self.context = Mutex(context) }
    }

    private let state: State
    private let server: any Channel
    let port: Int

    init(presenting pki: TestPKI, redirectTo: String? = nil, answerBytes: Int = 0) async throws {
        let state = State(try Self.context(pki))
        self.state = state
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let context = state.context.withLock { $0 }
                let id = ObjectIdentifier(channel)
                state.open.withLock { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = state.open.withLock { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: context))
                    try sync.addHandler(HandshakeWatch(state: state))
                    try sync.configureHTTPServerPipeline()
                    try sync.addHandler(Recorder(state: state, redirectTo: redirectTo, answerBytes: answerBytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = server.localAddress?.port ?? 0
    }

    var deliveries: [Delivery] { state.deliveries.withLock { $0 } }
    /// Why each refused handshake failed, as NIOSSL saw it.
    var failedHandshakes: [String] { state.failedHandshakes.withLock { $0 } }

    /// Presents `pki`'s certificate from now on; open connections are closed.
    func present(_ pki: TestPKI) throws {
        let context = try Self.context(pki)
        state.context.withLock { $0 = context }
        for channel in state.open.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }

    func stop() async throws {
        for channel in state.open.withLock({ Array($0.values) }) { try? await channel.close() }
        try await server.close()
    }

    private static func context(_ pki: TestPKI) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.key, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: tls)
    }

    /// Counts the handshakes that failed (the client refused the certificate): a connection that
    /// errs or closes before any decrypted byte came through.
    private final class HandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let state: State
        var secured = false
        init(state: State) { self.state = state }

        /// Bytes out of the TLS handler: the handshake succeeded.
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            secured = true
            context.fireChannelRead(data)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failed("\(error)")
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            failed("closed during the handshake")
            context.fireChannelInactive()
        }

        private var counted = false

        private func failed(_ why: String) {
            guard !secured, !counted else { return }
            counted = true
            state.failedHandshakes.withLock { $0.append(why) }
        }
    }

    /// Records each request (its `Idempotency-Key` and body) and answers 200, or 307 to `redirectTo`.
    private final class Recorder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: State
        let redirectTo: String?
        let answerBytes: Int
        var key = ""
        var body = ByteBuffer()

        init(state: State, redirectTo: String?, answerBytes: Int) {
            self.state = state
            self.redirectTo = redirectTo
            self.answerBytes = answerBytes
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                key = head.headers["Idempotency-Key"].first ?? ""
                body.clear()
            case .body(var bytes):
                body.writeBuffer(&bytes)
            case .end:
                state.deliveries.withLock { $0.append(Delivery(key: key, body: Data(body.readableBytesView))) }
                var head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": String(answerBytes)])
                if let redirectTo {
                    head.status = .temporaryRedirect
                    head.headers.add(name: "Location", value: redirectTo)
                }
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                if answerBytes > 0 {
                    let answer = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: answerBytes)
                    context.write(wrapOutboundOut(.body(.byteBuffer(answer))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
