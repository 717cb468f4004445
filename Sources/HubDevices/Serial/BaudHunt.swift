/// Decides, from what the driver made of the bytes, whether a serial line's current speed and
/// framing are right, as gpsd hunts: stay on a candidate until the driver recognises frames (then
/// lock), move to the next once a window of bytes or a stretch of time brought none, and wrap
/// around after the last. Pure: the link applies each decision to the port.
public struct BaudHunt: Sendable, Equatable {
    /// When to lock and when to give up on a candidate.
    public struct Rules: Sendable, Equatable {
        /// Valid frames that lock a candidate, if they also outnumber the rejects. Two, because a
        /// wrong speed can still yield one line by chance but hardly two with good checksums.
        public var lockFrames: Int
        /// Bytes read at one candidate without locking before the next is tried: a few lines'
        /// worth, since a right speed shows its frames within the first.
        public var byteWindow: Int
        /// Longest stay on one candidate without a recognised frame (a line that sends little or
        /// nothing at this setting).
        public var dwell: Duration

        public init(lockFrames: Int = 2, byteWindow: Int = 1024, dwell: Duration = .seconds(3)) {
            self.lockFrames = lockFrames
            self.byteWindow = byteWindow
            self.dwell = dwell
        }
    }

    /// What the link should do after an observation.
    public enum Decision: Sendable, Equatable {
        /// Keep the port as it is.
        case stay
        /// Set the port to these settings and forget what the decoder holds from the old ones.
        case retune(SerialSettings)
        /// These settings are right: the line stays on them.
        case lock(SerialSettings)
    }

    /// Every candidate, in hunting order.
    public let candidates: [SerialSettings]
    public let rules: Rules
    /// Index of the candidate the port is set to.
    public private(set) var index = 0
    /// True once the driver recognised frames at the current candidate.
    public private(set) var locked = false
    /// Candidates tried since the hunt (re)started, the first included.
    public private(set) var tried = 1
    private var bytes = 0
    private var recognised = 0
    private var rejected = 0
    private var since: ContinuousClock.Instant

    /// A hunt through `plan`'s candidates (flow control from `base`), starting now at the first.
    public init(plan: AutoBaud, base: SerialSettings, rules: Rules = Rules(), at now: ContinuousClock.Instant = .now) {
        candidates = plan.candidates(base: base)
        self.rules = rules
        since = now
    }

    /// The settings the port should have now.
    public var current: SerialSettings { candidates[index] }

    /// What the driver made of bytes read at the current candidate: `recognised` valid frames
    /// (decoded, or of a type it does not interpret) and `rejected` ones (garbage, bad checksums).
    public mutating func observe(
        bytes: Int, recognised: Int, rejected: Int, at now: ContinuousClock.Instant
    ) -> Decision {
        guard !locked else { return .stay }
        self.bytes += bytes
        self.recognised += recognised
        self.rejected += rejected
        if self.recognised >= rules.lockFrames, self.recognised > self.rejected {
            locked = true
            return .lock(current)
        }
        if self.bytes >= rules.byteWindow { return advance(at: now) }
        return tick(at: now)
    }

    /// Time passed with or without bytes: a candidate that recognised nothing within the dwell is left.
    public mutating func tick(at now: ContinuousClock.Instant) -> Decision {
        guard !locked, recognised == 0, now - since >= rules.dwell else { return .stay }
        return advance(at: now)
    }

    /// The link was lost and is being reopened: hunt again, from the candidate that worked (or was
    /// being tried), since a receiver usually comes back as it was.
    public mutating func restart(at now: ContinuousClock.Instant) {
        locked = false
        tried = 1
        reset(at: now)
    }

    private mutating func advance(at now: ContinuousClock.Instant) -> Decision {
        index = (index + 1) % candidates.count
        tried += 1
        reset(at: now)
        return .retune(current)
    }

    private mutating func reset(at now: ContinuousClock.Instant) {
        bytes = 0
        recognised = 0
        rejected = 0
        since = now
    }
}
