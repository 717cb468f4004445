import Dispatch
import Foundation
import HubApp
import HubAppTesting
import HubServer
import HubTesting
import NIOPosix
import Testing

/// Password hashes run on their own threads, a few at once, with a bounded queue that one address
/// cannot fill: the cap is counted where the work runs, a login beyond the queue is refused at once
/// (503, Retry-After) without counting as a failure, and what waits is served in turn. Nothing here times anything:
/// the hashes that must overlap are held on a semaphore until the test has seen them overlap.
@Suite(.timeLimit(.minutes(2)))
struct PasswordHashingTests {
    @Test func atMostTheLimitRunAtOnceAndBeyondTheQueueIsRefused() async throws {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        let hashing = PasswordHashing(limit: 2, maxWaiting: 1, pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let held = (0..<3).map { i in Task { try await hashing.run { gate.wait(); return i } } }
        // Two run (the limit) although the pool has four threads; the third waits for a slot.
        #expect(await eventually { hashing.counts.computing == 2 && hashing.counts.waiting == 1 })
        // The queue is full: refused at once, while the others are still held.
        await #expect(throws: PasswordHashing.Busy.self) { try await hashing.run { -1 } }
        #expect(hashing.counts.refused == 1 && hashing.counts.computing == 2)
        // An admin's hash (mayRefuse: false) queues beyond maxWaiting.
        let admin = Task { try await hashing.run(mayRefuse: false) { 99 } }
        #expect(await eventually { hashing.counts.waiting == 2 })
        for _ in 0..<3 { gate.signal() }
        var results: [Int] = []
        for t in held { results.append(try await t.value) }
        #expect(results == [0, 1, 2])
        #expect(try await admin.value == 99)
        #expect(hashing.counts == PasswordHashing.Counts(computing: 0, peakComputing: 2, waiting: 0, refused: 1))
        try await pool.shutdownGracefully()
    }

    @Test func oneAddressCannotFillTheQueue() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let hashing = PasswordHashing(limit: 1, maxWaiting: 10, pool: pool)
        let gate = DispatchSemaphore(value: 0)
        let holder = Task { try await hashing.run(from: "192.0.2.1") { gate.wait() } }
        #expect(await eventually { hashing.counts.computing == 1 })
        // Two may wait from one address; the third from it is refused, while another address still queues.
        let first = (0..<PasswordHashing.maxWaitingPerAddress).map { i in Task { try await hashing.run(from: "192.0.2.1") { i } } }
        #expect(await eventually { hashing.counts.waiting == PasswordHashing.maxWaitingPerAddress })
        await #expect(throws: PasswordHashing.Busy.self) { try await hashing.run(from: "192.0.2.1") { -1 } }
        let other = Task { try await hashing.run(from: "198.51.100.7") { 7 } }
        #expect(await eventually { hashing.counts.waiting == PasswordHashing.maxWaitingPerAddress + 1 })
        gate.signal()
        try await holder.value
        for (i, t) in first.enumerated() { #expect(try await t.value == i) }
        #expect(try await other.value == 7)
        // Once its logins were served, the address may queue again.
        #expect(try await hashing.run(from: "192.0.2.1") { 5 } == 5)
        #expect(hashing.counts.refused == 1)
        try await pool.shutdownGracefully()
    }

    @Test func manyConcurrentLoginsNeverRunMoreHashesThanTheCap() async throws {
        let h = try await HubHarness(
            label: "hash-cap", siteExtra: "login: {maxConcurrentHashes: 2, maxQueuedLogins: 100, maxFailuresPerAddress: 1000}")
        // 24 wrong logins at once, two from each of 12 addresses (each a fresh name, so no limit
        // answers for the hash, and no address has more waiting than it may).
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<24 {
                group.addTask {
                    try await RawHTTP.login(h, from: "127.0.0.\(10 + i / 2)", "guess\(i)", "wrong-password").status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 401, count: 24))
        let counts = h.hub.auth.hashing.counts
        #expect((1...2).contains(counts.peakComputing), "\(counts)")
        #expect(counts.refused == 0 && counts.computing == 0)
        try await h.stop()
    }

    @Test func aLoginBeyondTheQueueIsAnsweredBusyAndNotCountedAsAFailure() async throws {
        let h = try await HubHarness(
            label: "hash-busy", siteExtra: "login: {maxFailures: 1, maxConcurrentHashes: 1, maxQueuedLogins: 1, windowS: 3600, lockoutS: 3600}")
        #expect(try await h.post("/api/v1/users", #"{"user": "op1", "role": "operator", "password": "right-password"}"#).status == 201)
        let hashing = h.hub.auth.hashing
        // The one hashing slot is held, and one login waits for it.
        let gate = DispatchSemaphore(value: 0)
        let holder = Task { try await hashing.run(mayRefuse: false) { gate.wait() } }
        #expect(await eventually { hashing.counts.computing == 1 })
        let waiting = Task { try await LoginLimitTests.login(h, "ghost", "wrong-password") }
        #expect(await eventually { hashing.counts.waiting == 1 })
        // The next is refused at once: 503 with Retry-After, whoever it is.
        let busy = try await LoginLimitTests.login(h, "op1", "wrong-password")
        #expect(busy.status == 503)
        #expect(busy.retryAfter == "1")
        #expect(!busy.text.contains("token"))
        gate.signal()
        try await holder.value
        #expect(try await waiting.value.status == 401, "the waiting login is served in turn")
        // With maxFailures 1, a counted failure would have locked op1; the busy answer did not count.
        #expect(try await LoginLimitTests.login(h, "op1", "right-password").status == 200)
        #expect(hashing.counts.refused == 1)
        try await h.stop()
    }
}
