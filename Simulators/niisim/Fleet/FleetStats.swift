import Synchronization

/// Counters every unit task adds to; read once at the end for the summary.
final class FleetStats: Sendable {
    let connected = Atomic<Int>(0)
    let loginsAcked = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let reconnects = Atomic<Int>(0)
    let framesSent = Atomic<Int>(0)
    let alarms = Atomic<Int>(0)
    let replyBytes = Atomic<Int>(0)
}
