import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// An HTTP/1.1 request sent byte for byte as written (no client library to tidy its path), for
/// tests of how the hub reads odd spellings, WebSocket upgrades and TLS versions.
enum RawHTTP {
    struct Answer {
        var status: Int
        /// The status line and header fields, as sent.
        var head: String

        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let kv = line.split(separator: ":", maxSplits: 1)
                if kv.count == 2, kv[0].lowercased() == name.lowercased() { return kv[1].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
    }

    /// `method target` with `headers` (Host and Connection: close are added) and `body`; the answer's
    /// head. `tls` wraps the connection (with `serverName` for the certificate check).
    static func send(
        port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil,
        tls: TLSConfiguration? = nil, serverName: String? = nil
    ) async throws -> Answer {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "connection" }) { text += "Connection: close\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var received = ByteBuffer()
            // The head is enough: a 101 keeps the socket open, and bodies are not what these tests read.
            for try await var chunk in inbound {
                received.writeBuffer(&chunk)
                if String(buffer: received).contains("\r\n\r\n") { break }
            }
            let head = String(buffer: received).components(separatedBy: "\r\n\r\n").first ?? ""
            let status = Int(head.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
            return Answer(status: status, head: head)
        }
    }

    /// Opens a connection and sends nothing; true once the hub has closed it (the read ends).
    static func idle(port: Int) async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
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
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
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
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
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
