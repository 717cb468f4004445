import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 POST over a fresh connection, answered by its status code: all the webhook needs,
/// on NIO rather than a general client, so a failing receiver can never leave a pooled connection
/// half-open under the feed.
enum HTTPPost {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func send(_ url: URL, headers: [(String, String)], body: [UInt8], timeout: Duration = .seconds(10))
        async throws -> Int
    {
        try await exchange(url, headers: headers, body: body, timeout: timeout).status
    }

    /// The POST, answered by its status and the response body (up to `maxAnswer` bytes).
    static func exchange(
        _ url: URL, headers: [(String, String)], body: [UInt8], timeout: Duration = .seconds(10), maxAnswer: Int = 1 << 20
    ) async throws -> (status: Int, body: [UInt8]) {
        guard url.scheme == "http", let host = url.host else { throw Failure(description: "only http:// URLs: \(url)") }
        let port = url.port ?? 80
        return try await withThrowingTaskGroup(of: (status: Int, body: [UInt8]).self) { group in
            group.addTask {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(5))
                    .connect(host: host, port: port) { ch in
                        ch.eventLoop.makeCompletedFuture {
                            try ch.pipeline.syncOperations.addHTTPClientHandlers()
                            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: ch)
                        }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.path.isEmpty ? "/" : url.path + (url.query.map { "?" + $0 } ?? ""))
                    head.headers.add(name: "Host", value: port == 80 ? host : "\(host):\(port)")
                    head.headers.add(name: "Content-Length", value: String(body.count))
                    head.headers.add(name: "Connection", value: "close")
                    for (k, v) in headers { head.headers.add(name: k, value: v) }
                    try await outbound.write(.head(head))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    try await outbound.write(.end(nil))
                    var status: Int?
                    var answer: [UInt8] = []
                    for try await part in inbound {
                        switch part {
                        case .head(let response): status = Int(response.status.code)
                        case .body(let bytes):
                            guard answer.count + bytes.readableBytes <= maxAnswer else {
                                throw Failure(description: "answer larger than \(maxAnswer) bytes")
                            }
                            answer += bytes.readableBytesView
                        case .end:
                            guard let status else { break }
                            return (status, answer)
                        }
                    }
                    throw Failure(description: "connection closed before a complete response")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure(description: "no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
