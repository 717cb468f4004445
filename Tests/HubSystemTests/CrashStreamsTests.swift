import Foundation
import HubDrivers
import HubTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CrashStreams' reconnecting mode against a stand-in hub that drops the link instead of acking
/// one frame: the unit logs in again on a new link and resends exactly that frame.
@Suite(.timeLimit(.minutes(3)))
struct CrashStreamsTests {
    /// One accepted link of the stand-in hub: GT06 short frames in, 10-byte acks echoing serials out.
    final class Link {
        let fd: CInt
        private var buffer: [UInt8] = []

        init(_ fd: CInt) { self.fd = fd }
        deinit { close(fd) }

        /// The next whole frame (`78 78 L … 0D 0A`, L + 5 bytes), or nil after 60 s without one (a bound
        /// for a machine busy with the parallel suites, which once kept the unit from connecting within 10 s).
        func frame() async -> [UInt8]? {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if buffer.count >= 3, buffer.count >= Int(buffer[2]) + 5 {
                    let n = Int(buffer[2]) + 5
                    defer { buffer.removeFirst(n) }
                    return Array(buffer.prefix(n))
                }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 0) > 0 {
                    var chunk = [UInt8](repeating: 0, count: 4096)
                    let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    guard n > 0 else { return nil }
                    buffer += chunk.prefix(n)
                } else {
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            return nil
        }

        /// Acks `frame` the way the hub does: its protocol number and serial echoed.
        func ack(_ frame: [UInt8]) {
            let at = CrashStreamsTests.serialAt(frame)
            let reply: [UInt8] = [0x78, 0x78, 0x05, frame[3], frame[at], frame[at + 1], 0, 0, 0x0D, 0x0A]
            _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    static func serialAt(_ frame: [UInt8]) -> Int { Int(frame[2]) - 1 }
    static func serial(_ frame: [UInt8]) -> UInt16 { UInt16(frame[serialAt(frame)]) << 8 | UInt16(frame[serialAt(frame) + 1]) }

    @Test func aReconnectingUnitResendsTheFrameItsDroppedLinkLeftUnacked() async throws {
        let hub = try LoopbackServer()
        let imei = "358200000000009"
        let streams = CrashStreams(reconnect: .init(backoff: .milliseconds(20), window: .seconds(20), ackTimeoutMs: 5_000))
        let unit = Task { await streams.gt06(imei: imei, port: hub.port) }

        // Link 1: the login (serial 1) and the heartbeat (2) are acked; on the alarm (3) the hub closes.
        var link: Link? = Link(try #require(await hub.accept(timeoutMs: 60_000)))
        var dropped: [UInt8] = []
        while let frame = await link?.frame() {
            if Self.serial(frame) == 3 {
                dropped = frame
                break
            }
            link?.ack(frame)
        }
        try #require(dropped.count > 0 && dropped[3] == 0x16, "the third frame is the alarm")
        link = nil

        // Link 2: a login under a new serial (4), then the same alarm bytes again; all acked.
        let second = Link(try #require(await hub.accept(timeoutMs: 60_000)))
        let login = try #require(await second.frame())
        #expect(login == GT06Encoder.login(imei: imei, serial: 4))
        second.ack(login)
        let resent = try #require(await second.frame())
        #expect(resent == dropped)
        second.ack(resent)
        // The unit goes on after it: the next frame is the location (5), not yet another resend.
        #expect(try #require(await second.frame())[3] == 0x12)
        // Stopped, and its link closed under it, the unit gives up at once rather than reconnect.
        streams.stop()
        shutdown(second.fd, Int32(SHUT_RDWR))
        await unit.value

        #expect(streams.reconnects.withLock { $0 } == 1)
        #expect(streams.resentFrames.withLock { $0 } == [imei: [dropped]])
        let acked = streams.ackedFrames.withLock { $0[imei] ?? [] }
        #expect(acked.map(Self.serial) == [1, 2, 4, 3])
    }
}
