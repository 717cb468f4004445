import NIOCore
import NIOPosix
import Synchronization

/// The network between a gate hub and a central hub, on loopback, for a test to break: `cut()`
/// closes the listening port and every open connection (the gate's connects are refused),
/// `restore()` listens on the same port again, and `dropAnswers` passes requests on but swallows
/// the central's answers and closes the connection (the central has acted, the gate never hears).
final class LinkProxy: Sendable {
    enum Mode: Sendable { case pass, dropAnswers }

    private struct State {
        var mode = Mode.pass
        var listener: (any Channel)?
        var open: [ObjectIdentifier: any Channel] = [:]
        var droppedAnswers = 0
        var relayed = 0
        var port = 0
    }

    private let upstream: Int
    private let state = Mutex(State())

    init(upstream: Int) async throws {
        self.upstream = upstream
        let bound = try await listen(port: 0)
        state.withLock { $0.port = bound }
    }

    /// Where the gate connects.
    var port: Int { state.withLock { $0.port } }

    var mode: Mode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    /// Answers swallowed in `dropAnswers` mode.
    var droppedAnswers: Int { state.withLock { $0.droppedAnswers } }
    /// Answers passed back to the gate.
    var relayed: Int { state.withLock { $0.relayed } }

    /// Closes the port and every connection through it.
    func cut() async {
        let channels = state.withLock { s -> [any Channel] in
            defer {
                s.listener = nil
                s.open = [:]
            }
            return (s.listener.map { [$0] } ?? []) + Array(s.open.values)
        }
        for c in channels { try? await c.close() }
    }

    /// Listens on the same port again.
    func restore() async throws { _ = try await listen(port: port) }

    private func listen(port: Int) async throws -> Int {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { ch in
                ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch) }
            }
        state.withLock { $0.listener = server.channel }
        let bound = server.channel.localAddress?.port ?? port
        Task {
            try? await server.executeThenClose { connections in
                for try await client in connections {
                    Task { await self.relay(client) }
                }
            }
        }
        return bound
    }

    private func track(_ channel: any Channel) {
        state.withLock { $0.open[ObjectIdentifier(channel)] = channel }
    }

    private func untrack(_ channel: any Channel) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    private struct Swallowed: Error {}

    /// Copies bytes both ways until either side closes, then closes both.
    private func relay(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        track(client.channel)
        defer { untrack(client.channel) }
        let server: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            server = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: upstream) { ch in
                    ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch) }
                }
        } catch {
            try? await client.channel.close()
            return
        }
        track(server.channel)
        defer { untrack(server.channel) }
        let clientChannel = client.channel
        let serverChannel = server.channel
        try? await client.executeThenClose { fromClient, toClient in
            try await server.executeThenClose { fromServer, toServer in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await bytes in fromClient { try await toServer.write(bytes) }
                    }
                    group.addTask {
                        var answered = false
                        for try await bytes in fromServer {
                            if self.mode == .dropAnswers {
                                self.state.withLock { $0.droppedAnswers += 1 }
                                throw Swallowed()
                            }
                            try await toClient.write(bytes)
                            answered = true
                        }
                        if answered { self.state.withLock { $0.relayed += 1 } }
                    }
                    // Whichever way ends first ends the connection.
                    _ = try? await group.next()
                    try? await clientChannel.close()
                    try? await serverChannel.close()
                    group.cancelAll()
                }
            }
        }
    }
}
