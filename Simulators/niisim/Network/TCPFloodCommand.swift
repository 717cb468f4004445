import ArgumentParser
import Foundation
import HubDevices
import HubDrivers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Many devices dialing in at once: opens N connections to a hub's TCP listener on loopback, each
/// sending one portal-monitor occupancy, holds them all open, then closes them.
struct TCPFloodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcp-flood",
        abstract: "Open many device connections to a hub listener on loopback and hold them.")

    @Option(name: .long, help: "Listener address (loopback only).")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Listener port.")
    var port: Int

    @Option(name: .long, help: "How many connections.")
    var connections: Int = 10_000

    @Option(name: .long, help: "Connection attempts in flight at once.")
    var concurrency: Int = 200

    @Option(name: .long, help: "Seconds to hold every connection open once all are up.")
    var hold: Double = 5

    func validate() throws {
        try Loopback.require(host)
    }

    func run() async throws {
        DescriptorLimit.raise()
        let started = ContinuousClock.now
        var channels: [any Channel] = []
        channels.reserveCapacity(connections)
        var failures = 0
        var next = 0
        while next < connections {
            let batch = next..<min(next + concurrency, connections)
            next = batch.upperBound
            let opened = await withTaskGroup(of: (any Channel)?.self) { group in
                for i in batch {
                    group.addTask {
                        let line = RapiscanLine(code: "GS", fields: ["000070", "000071", "000072", "000073"]).encoded()
                            + RapiscanLine(code: "GX", fields: [RapiscanLine.countField(i % 1_000_000), "006383"]).encoded()
                        do {
                            let ch = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                                .connectTimeout(.seconds(10))
                                .connect(host: host, port: port).get()
                            try await ch.writeAndFlush(ByteBuffer(bytes: line)).get()
                            return ch
                        } catch {
                            return nil
                        }
                    }
                }
                var out: [(any Channel)?] = []
                for await c in group { out.append(c) }
                return out
            }
            for c in opened {
                if let c { channels.append(c) } else { failures += 1 }
            }
        }
        let elapsed = ContinuousClock.now - started
        FileHandle.standardOutput.write(
            Data("niisim: \(channels.count) of \(connections) connections open (\(failures) failed) in \(elapsed)\n".utf8))
        try await Task.sleep(for: .milliseconds(Int64(hold * 1000)))
        for c in channels { c.close(promise: nil) }
        FileHandle.standardOutput.write(Data("niisim: closed\n".utf8))
        if failures > 0 { throw ExitCode(1) }
    }
}
