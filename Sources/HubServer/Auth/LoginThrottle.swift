import Foundation
import HubSite

/// Failed logins counted per key (a user name, known or not, tried from one client address; and
/// that address whatever the names), with a lockout that doubles each time a key is locked again
/// without a success in between, up to a ceiling. A name is never locked on its own: guesses from
/// one address must not lock the real user out at another, and a ceiling alone would let one
/// attacker keep a name locked for ever with a few guesses per lockout. A pure value: the caller
/// supplies the time and keeps it behind a lock.
struct LoginThrottle {
    struct Key: Hashable {
        var text: String
        /// Failures within the window that lock the key.
        var limit: Int
    }

    private struct Entry {
        var failures = 0
        /// Attempts being checked right now: counted against the limit, so a burst of parallel
        /// guesses cannot all slip in before the first of them fails.
        var inFlight = 0
        var windowStart: Date
        var lockedUntil: Date?
        var lockouts = 0
    }

    let limits: LoginLimits
    private var entries: [Key: Entry] = [:]
    /// Keys remembered at most; beyond it, the ones with nothing left to remember go first.
    static let maxKeys = 10_000

    init(limits: LoginLimits) { self.limits = limits }

    /// The keys for a login attempt: its user name at its client address, and the address. An
    /// attempt whose address is unknown shares one "unknown" address with every other such attempt.
    func keys(user: String, address: String?) -> [Key] {
        let at = address ?? "unknown"
        return [
            Key(text: "user:\(at) \(user)", limit: limits.maxFailures),
            Key(text: "address:" + at, limit: limits.maxFailuresPerAddress),
        ]
    }

    /// Starts an attempt: nil when it may go ahead (it is then in flight until `finish`), else the
    /// whole seconds to wait.
    mutating func begin(_ keys: [Key], at now: Date) -> Int? {
        var wait: TimeInterval = 0
        for k in keys {
            guard var e = entries[k] else { continue }
            if now.timeIntervalSince(e.windowStart) > limits.windowS, e.inFlight == 0 {
                e.failures = 0
                e.windowStart = now
            }
            if let until = e.lockedUntil, until > now {
                wait = max(wait, until.timeIntervalSince(now))
            } else if e.failures + e.inFlight >= k.limit {
                wait = max(wait, 1)  // as many attempts in flight as may fail: wait for them
            }
            entries[k] = e
        }
        guard wait == 0 else { return Int(wait.rounded(.up)) }
        for k in keys { entries[k, default: Entry(windowStart: now)].inFlight += 1 }
        return nil
    }

    /// Ends an attempt `begin` let through. A failure counts against every key and may lock it; a
    /// success clears the user's record at that address (not the address's: one good password must
    /// not wash away guesses at other names).
    mutating func finish(_ keys: [Key], succeeded: Bool, at now: Date) {
        for k in keys {
            guard var e = entries[k] else { continue }
            e.inFlight = max(0, e.inFlight - 1)
            if succeeded, k.text.hasPrefix("user:") {
                entries[k] = e.inFlight == 0 ? nil : Entry(inFlight: e.inFlight, windowStart: now)
                continue
            }
            if !succeeded {
                e.failures += 1
                if e.failures >= k.limit {
                    let lock = min(limits.lockoutS * pow(2, Double(min(e.lockouts, 30))), limits.maxLockoutS)
                    e.lockedUntil = now.addingTimeInterval(lock)
                    e.lockouts += 1
                    e.failures = 0
                    e.windowStart = now
                }
            }
            entries[k] = e
        }
        if entries.count > Self.maxKeys { prune(at: now) }
    }

    /// Ends an attempt that neither failed nor succeeded (the store could not be read).
    mutating func abandon(_ keys: [Key]) {
        for k in keys where entries[k] != nil { entries[k]!.inFlight = max(0, entries[k]!.inFlight - 1) }
    }

    /// Forgets keys with no lock, nothing in flight and a window that has passed.
    private mutating func prune(at now: Date) {
        entries = entries.filter { _, e in
            e.inFlight > 0 || (e.lockedUntil.map { $0 > now } ?? false)
                || now.timeIntervalSince(e.windowStart) <= limits.windowS
        }
    }
}
