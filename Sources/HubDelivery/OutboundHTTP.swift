import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The one HTTP client a hub posts out with (the feed webhook, store-and-forward), on
/// async-http-client: `http://` or `https://`, with every certificate verified (chain and host
/// name, TLS 1.2 at least) against the system's roots or a target's own CA file. Redirects are not
/// followed, so a bearer token never goes anywhere but the configured URL; each exchange has a
/// deadline and each answer a size bound.
///
/// As a `Service` it shuts the client down when the hub stops: place it before the services that
/// post (a `ServiceGroup` stops them in reverse order), so it stops after them. The client is made
/// on the first post, so a hub that never posts never holds one.
public final class OutboundHTTP: Service, Sendable {
    /// A post that did not get a complete answer.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private enum State {
        case idle
        case running(HTTPClient)
        case closed
    }

    private let state = Mutex(State.idle)
    private let connectTimeout: Duration
    private let readTimeout: Duration

    /// `connectTimeout` bounds a connection's set-up (TCP and TLS handshake), `readTimeout` a
    /// silence while an answer is read.
    public init(connectTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(30)) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    /// TLS for every outbound connection: full certificate verification against the system's roots.
    public static var defaultTLS: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// TLS for a target with its own CA file: the same, trusting only the certificates in `caFile`
    /// (PEM). Nil without a file: the client's default (`defaultTLS`) applies.
    public static func tls(caFile: String?) -> TLSConfiguration? {
        guard let caFile else { return nil }
        var tls = defaultTLS
        tls.trustRoots = .file(caFile)
        return tls
    }

    /// POSTs `body` to `url`, answered by the status and the answer's body (at most `maxAnswer`
    /// bytes, else an error). The whole exchange must end within `timeout`.
    public func post(
        _ url: URL, headers: [(String, String)], body: [UInt8], tls: TLSConfiguration? = nil,
        timeout: Duration = .seconds(10), maxAnswer: Int = 1 << 20
    ) async throws -> (status: Int, body: [UInt8]) {
        guard url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw Failure(description: "only http:// and https:// URLs: \(url.scheme ?? "no scheme")")
        }
        let client = try client()
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        request.tlsConfiguration = tls
        let prepared = request
        // The deadline covers the exchange up to the answer's head; the race covers its body too.
        return try await withThrowingTaskGroup(of: (status: Int, body: [UInt8]).self) { group in
            group.addTask {
                let response = try await client.execute(prepared, deadline: .now() + TimeAmount(timeout))
                let answer = try await response.body.collect(upTo: maxAnswer)
                return (Int(response.status.code), Array(answer.readableBytesView))
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure(description: "no complete answer within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Waits for the hub to stop, then shuts the client down.
    public func run() async throws {
        // A hub run again after a stop posts again.
        state.withLock { if case .closed = $0 { $0 = .idle } }
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Shuts the client down (connections closed); a post after this fails.
    public func shutdown() async {
        let client = state.withLock { state -> HTTPClient? in
            defer { state = .closed }
            if case .running(let client) = state { return client }
            return nil
        }
        try? await client?.shutdown()
    }

    private func client() throws -> HTTPClient {
        try state.withLock { state in
            switch state {
            case .running(let client): return client
            case .closed: throw Failure(description: "the hub is stopping")
            case .idle:
                let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
                state = .running(client)
                return client
            }
        }
    }

    private var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: Self.defaultTLS, redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connectTimeout), read: TimeAmount(readTimeout)))
        // A failed connection (refused, or a certificate not trusted) fails the post at once with
        // its own error; the webhook and the forwarder retry with their own backoff.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

extension TimeAmount {
    fileprivate init(_ d: Duration) {
        self = .nanoseconds(d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
    }
}
