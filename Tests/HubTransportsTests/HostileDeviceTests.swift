import Foundation
import HubAppTesting
import HubDrivers
import HubTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One listener, three clients: a flooder sending noise as fast as the socket takes it (and dialing
/// again each time it is dropped), a unit trickling its login one byte a second, and a well-behaved
/// e-seal. The hub keeps serving the good unit, closes and counts the flooder, waits for the slow
/// unit without holding more than one frame's worth of its bytes.
@Suite(.timeLimit(.minutes(3)))
struct HostileDeviceTests {
    @Test func aFlooderIsDroppedAndASlowUnitHeldBoundedWhileAGoodUnitIsServed() async throws {
        let h = try await HubHarness(
            label: "hostile-tcp", devices: "  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let port = try #require(try await h.boundPort("seals"))
        let stop = Atomic<Bool>(false)
        let flooder = Task { await Self.flood(port: port, until: stop) }

        let slow = try LoopbackClient(port: port)
        let slowLogin = try #require(GT06Encoder.login(imei: "864717003283581", serial: 9))
        let trickle = Task {
            for b in slowLogin {
                try slow.send([b])
                // Paces the slow unit (what the test is about), proves nothing by itself.
                try await Task.sleep(for: .seconds(1))
            }
        }

        let good = try LoopbackClient(port: port)
        let at = Date(timeIntervalSince1970: 1_767_225_600)
        try good.send(try #require(GT06Encoder.login(imei: "864717003283582", serial: 1)))
        #expect(await good.receive(timeoutMs: 30_000)?.prefix(4) == [0x78, 0x78, 0x05, 0x01], "the good unit's login is acked")
        try good.send(GT06Encoder.location(.init(at: at, lat: 10.95, lon: 106.82), serial: 2)
            + GT06Encoder.heartbeat(armed: true, serial: 3))
        #expect(await good.receive(timeoutMs: 30_000)?.prefix(4) == [0x78, 0x78, 0x05, 0x13], "its heartbeat is acked")
        #expect(await eventually(timeout: .seconds(30)) {
            (try? await h.events("kind=gps.fix&device=864717003283582").count) == 1
        }, "its position is stored")

        try await trickle.value
        #expect(await slow.receive(timeoutMs: 30_000)?.prefix(4) == [0x78, 0x78, 0x05, 0x01], "the slow unit is served too")
        stop.store(true, ordering: .relaxed)
        let dropsSeen = await flooder.value

        let row = try await h.device("seals")
        let counters = try #require(row["counters"] as? [String: Any])
        let rejected = (counters["rejected"] as? [String: Int])?.values.reduce(0, +) ?? 0
        #expect(dropsSeen >= 1, "the hub closed the flooding connection")
        #expect(row["connectionsDropped"] as? Int ?? 0 >= dropsSeen)
        #expect(rejected >= 64 * dropsSeen, "every dropped connection had its noise counted")
        // One frame in progress plus one reported run of noise is all a connection may hold.
        let peak = try #require(row["peakPendingBytes"] as? Int)
        #expect(peak > 0 && peak <= GT06Driver.minimumFrameLimit + 256, "peak held \(peak) bytes")
        try await h.stop()
    }

    /// Writes noise without blocking as fast as the socket takes it; when the hub closes the
    /// connection, dials again. Returns how many times the hub closed it.
    static func flood(port: Int, until stop: borrowing Atomic<Bool>) async -> Int {
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) }.filter { $0 != 0x78 && $0 != 0x79 }
        var drops = 0
        // Bounded: at most 20,000 connections and 1 GiB in all; it floods until the other units are done.
        var budget = 1 << 30
        for _ in 0..<20_000 where !stop.load(ordering: .relaxed) && budget > 0 {
            guard let c = try? LoopbackClient(port: port) else { break }
            while !stop.load(ordering: .relaxed), budget > 0 {
                let n = noise.withUnsafeBytes { send(c.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                if n > 0 {
                    budget -= n
                    await Task.yield()
                } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    // The socket is full: wait for room without blocking the hub's threads.
                    try? await Task.sleep(for: .milliseconds(2))
                } else {
                    drops += 1
                    break
                }
            }
        }
        return drops
    }
}
