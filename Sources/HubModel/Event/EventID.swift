import Foundation
import Synchronization

/// Makes ULIDs: 48 bits of milliseconds then 80 bits that grow monotonically within one millisecond,
/// so ids sort by arrival even when many events arrive in the same millisecond.
public final class EventIDGenerator: Sendable {
    private struct State {
        var lastMs: UInt64 = 0
        var high: UInt16 = 0
        var low: UInt64 = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// A new id for an event received at `date`.
    public func next(at date: Date) -> String {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let (t, hi, lo) = state.withLock { s -> (UInt64, UInt16, UInt64) in
            if ms > s.lastMs {
                s.lastMs = ms
                s.high = UInt16.random(in: 0...UInt16.max) & 0x7FFF  // headroom so increments never overflow
                s.low = UInt64.random(in: 0...UInt64.max)
            } else {
                // Same or earlier millisecond (clock stepped back): keep order by counting up.
                let (sum, overflow) = s.low.addingReportingOverflow(1)
                s.low = sum
                if overflow { s.high &+= 1 }
            }
            return (s.lastMs, s.high, s.low)
        }
        return Self.encode(time: t, high: hi, low: lo)
    }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func encode(time: UInt64, high: UInt16, low: UInt64) -> String {
        // Digits straight into the string's storage: one allocation per id, not an array and a string.
        String(unsafeUninitializedCapacity: 26) { out in
            var t = time
            for i in stride(from: 9, through: 0, by: -1) {
                out[i] = alphabet[Int(t & 31)]
                t >>= 5
            }
            // 80 random bits = high(16) + low(64), written as 16 base-32 digits.
            var lo = low
            var hi = UInt64(high)
            for i in stride(from: 25, through: 10, by: -1) {
                out[i] = alphabet[Int(lo & 31)]
                lo = (lo >> 5) | ((hi & 31) << 59)
                hi >>= 5
            }
            return 26
        }
    }
}
