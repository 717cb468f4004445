import Foundation
import HubAppTesting
import NIOCore
import NIOPosix
import NIOSSL

/// An HTTP/1.1 request sent byte for byte as written (no client library to tidy its path), from any
/// loopback address, for tests of how the hub reads odd spellings, WebSocket upgrades, TLS versions
/// and clients at several addresses (URLSession always sends from 127.0.0.1).
enum RawHTTP {
    struct Answer {
        var status: Int
        /// The status line and header fields, as sent.
        var head: String
        /// The body (empty for a 101: the socket then speaks WebSocket).
        var body = ""

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }

        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let kv = line.split(separator: ":", maxSplits: 1)
                if kv.count == 2, kv[0].lowercased() == name.lowercased() { return kv[1].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
    }

    /// `method target` with `headers` (Host and Connection: close are added) and `body`, from
    /// `source` (a 127.x.y.z address); the answer. `tls` wraps the connection (with `serverName` for
    /// the certificate check).
    static func send(
        port: Int, from source: String? = nil, _ method: String, _ target: String, headers: [(String, String)] = [],
        body: String? = nil, tls: TLSConfiguration? = nil, serverName: String? = nil
    ) async throws -> Answer {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "connection" }) { text += "Connection: close\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        let channel = try await connect(port: port, from: source, tls: tls, serverName: serverName)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var received = ByteBuffer()
            // To the end (the hub closes after its answer: Connection: close), but only the head of a
            // 101, which keeps the socket open.
            for try await var chunk in inbound {
                received.writeBuffer(&chunk)
                let text = String(buffer: received)
                if text.hasPrefix("HTTP/1.1 101"), text.contains("\r\n\r\n") { break }
            }
            let text = String(buffer: received)
            let end = text.range(of: "\r\n\r\n")
            let head = String(text[..<(end?.lowerBound ?? text.endIndex)])
            let status = Int(head.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
            let body = status == 101 ? "" : end.map { String(text[$0.upperBound...]) } ?? ""
            return Answer(status: status, head: head, body: body)
        }
    }

    /// A connection to the hub on 127.0.0.1, from `source` when given, through TLS when given.
    static func connect(
        port: Int, from source: String? = nil, tls: TLSConfiguration? = nil, serverName: String? = nil
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        return try await bootstrap.connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if let sslContext {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                }
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }

    /// `POST /api/v1/login` as JSON from `source`.
    static func login(
        _ h: HubHarness, from source: String, _ user: String, _ password: String, headers: [String: String] = [:]
    ) async throws -> Answer {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["user": user, "password": password]), as: UTF8.self)
        return try await send(
            port: h.port, from: source, "POST", "/api/v1/login", headers: [("Content-Type", "application/json")] + headers.sorted { $0.key < $1.key }, body: body)
    }

    /// Opens a connection and sends nothing; true once the hub has closed it (the read ends).
    static func idle(port: Int) async throws -> Bool {
        let channel = try await connect(port: port)
        return try await channel.executeThenClose { inbound, _ in
            for try await _ in inbound { return false }
            return true
        }
    }

    /// Upgrades `target` to a WebSocket and then reads (and drops) whatever the hub sends, its pings
    /// included, without ever answering; the frames' count once the hub has closed the socket, nil
    /// when it did not upgrade.
    static func upgradeAndIgnorePings(port: Int, _ target: String) async throws -> Int? {
        var text = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in upgrade { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        let channel = try await connect(port: port)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var head = ByteBuffer()
            var frames = 0
            var upgraded = false
            for try await var chunk in inbound {
                if !upgraded {
                    head.writeBuffer(&chunk)
                    guard String(buffer: head).contains("\r\n\r\n") else { continue }
                    guard String(buffer: head).hasPrefix("HTTP/1.1 101") else { return nil }
                    upgraded = true
                } else {
                    frames += 1
                }
            }
            return upgraded ? frames : nil
        }
    }

    /// Sends `text` and keeps the connection open, unanswered and unfinished, until `release` yields
    /// (or ends); then closes it. For uploads that hold their slot.
    static func hold(port: Int, _ text: String, until release: AsyncStream<Void>) async throws {
        let channel = try await connect(port: port)
        try await channel.executeThenClose { _, outbound in
            try await outbound.write(ByteBuffer(string: text))
            for await _ in release { break }
        }
    }

    /// The header fields of a WebSocket upgrade request.
    static let upgrade: [(String, String)] = [
        ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Version", "13"),
    ]
}
