import HubDelivery
import Testing

/// The bell the notifications' loops sleep on: a ring wakes the waiter, a ring with nobody waiting
/// is kept for the next wait, and a wait ends by itself after its timeout or on cancellation.
@Suite(.timeLimit(.minutes(1)))
struct DoorbellTests {
    @Test func aRingWakesTheLoopWaitingOnIt() async {
        let bell = Doorbell()
        let (started, go) = AsyncStream.makeStream(of: Void.self)
        let waiter = Task {
            go.yield()
            await bell.wait(upTo: .seconds(3600))
            return ContinuousClock.now
        }
        for await _ in started { break }
        let rung = ContinuousClock.now
        // Rung until the waiter is parked and woken: a ring before it parks is kept, so either way it returns.
        bell.ring()
        let woke = await waiter.value
        #expect(woke - rung < .seconds(3600))
    }

    @Test func aRingWithNobodyWaitingIsKeptForTheNextWaitOnlyOnce() async {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        let before = ContinuousClock.now
        await bell.wait(upTo: .seconds(3600))
        #expect(ContinuousClock.now - before < .seconds(3600))
        // The two rings were one: the next wait lasts its timeout.
        let second = ContinuousClock.now
        await bell.wait(upTo: .milliseconds(300))
        #expect(ContinuousClock.now - second >= .milliseconds(300))
    }

    @Test func aWaitEndsWhenItsTaskIsCancelled() async {
        let bell = Doorbell()
        let waiter = Task { await bell.wait(upTo: .seconds(3600)) }
        waiter.cancel()
        await waiter.value
        // Cancelled before or after it parked, the bell still works for the next loop.
        bell.ring()
        await bell.wait(upTo: .seconds(3600))
    }
}
