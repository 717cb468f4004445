import Foundation

/// Who is reviewing which scan: leases held in memory, so no two analysts work one scan unless one
/// asks to join. A lease ends with the analyst's verdict or release, or 15 minutes after it was
/// taken or renewed; a restart of the hub releases every lease (an analyst claims the scan again).
actor ReviewClaims {
    struct Claim: Sendable, Encodable, Equatable {
        var scanEvent: String
        var by: String
        var at: Date
        /// Analysts who joined for a second opinion.
        var joined: [String] = []
    }

    enum Answer: Sendable {
        case claimed(Claim)
        /// Held by another analyst, who is named.
        case held(Claim)
    }

    let leaseS: Double
    private var claims: [String: Claim] = [:]

    init(leaseS: Double = 15 * 60) { self.leaseS = leaseS }

    /// Takes (or renews) `scan` for `who`; `join` lets a second analyst in beside the holder.
    func claim(_ scan: String, by who: String, join: Bool, now: Date = Date()) -> Answer {
        if let c = live(scan, now: now), c.by != who {
            guard join else { return .held(c) }
            var joined = c
            if !joined.joined.contains(who) { joined.joined.append(who) }
            claims[scan] = joined
            return .claimed(joined)
        }
        let c = Claim(scanEvent: scan, by: who, at: now)
        claims[scan] = c
        return .claimed(c)
    }

    /// Ends `who`'s part in the review of `scan` (the holder's ends the lease).
    func release(_ scan: String, by who: String) {
        guard var c = claims[scan] else { return }
        if c.by == who { claims[scan] = nil } else {
            c.joined.removeAll { $0 == who }
            claims[scan] = c
        }
    }

    /// Whether `who` holds `scan` or joined its review.
    func holds(_ scan: String, _ who: String, now: Date = Date()) -> Bool {
        guard let c = live(scan, now: now) else { return false }
        return c.by == who || c.joined.contains(who)
    }

    /// The live leases of `scans`.
    func current(_ scans: [String], now: Date = Date()) -> [String: Claim] {
        var out: [String: Claim] = [:]
        for s in scans { if let c = live(s, now: now) { out[s] = c } }
        return out
    }

    private func live(_ scan: String, now: Date) -> Claim? {
        guard let c = claims[scan] else { return nil }
        guard now.timeIntervalSince(c.at) < leaseS else {
            claims[scan] = nil
            return nil
        }
        return c
    }
}
