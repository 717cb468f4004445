import Foundation

/// How long stored events and raw records are kept, by event kind; older ones are purged.
///
/// Ages count from the hub's receive time. A kind takes its own age, else its family's
/// (`radiation.*`), else `defaultAge`; nil keeps it for ever. Raw records age by `rawAge` (default:
/// `defaultAge`) and are never purged while a kept event still points at them.
public struct RetentionPolicy: Sendable, Equatable {
    public var defaultAge: RetentionAge?
    /// Exact kinds (`device.status`) or families (`radiation.*`).
    public var kinds: [String: RetentionAge]
    public var rawAge: RetentionAge?
    /// How long the notifications outbox keeps a message in a final state (sent, failed,
    /// cancelled, suppressed, folded), from its last attempt; pending ones are always kept.
    public var notificationsAge: RetentionAge?
    /// How often the purge runs.
    public var everySeconds: Double
    /// Rows deleted per write transaction: small, so an ingest write never waits long.
    public var batchRows: Int
    /// Pause between two batches, so ingest always gets the writer.
    public var pauseSeconds: Double
    /// The time one events partition spans, on stores that partition (PostgreSQL).
    public var partition: PartitionPeriod

    public init(
        defaultAge: RetentionAge? = nil, kinds: [String: RetentionAge] = [:], rawAge: RetentionAge? = nil,
        everySeconds: Double = 3600, batchRows: Int = 100, pauseSeconds: Double = 0.05, partition: PartitionPeriod = .month,
        notificationsAge: RetentionAge? = RetentionAge("90d")
    ) {
        self.notificationsAge = notificationsAge
        self.defaultAge = defaultAge
        self.kinds = kinds
        self.rawAge = rawAge
        self.everySeconds = everySeconds
        self.batchRows = batchRows
        self.pauseSeconds = pauseSeconds
        self.partition = partition
    }

    /// How long events of `kind` are kept (nil: for ever).
    public func age(forKind kind: String) -> RetentionAge? {
        if let exact = kinds[kind] { return exact }
        // The longest family that contains the kind: `radiation.alarm` before `radiation.*`.
        var family = Substring(kind)
        while let dot = family.lastIndex(of: ".") {
            family = family[..<dot]
            if let age = kinds[family + ".*"] { return age }
        }
        return defaultAge
    }

    /// How long raw records are kept when no kept event needs them.
    public var rawRetention: RetentionAge? { rawAge ?? defaultAge }
}

/// A retention age written as a number and a unit: `90d`, `1y`, `12h`, `30m`, `2w`, `45s`, `250ms`
/// (a year is 365 days).
public struct RetentionAge: Sendable, Equatable, CustomStringConvertible {
    public let seconds: Double
    public let text: String

    public static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 7 * 86_400), ("y", 365 * 86_400),
    ]

    /// Parses `90d` and the like; nil for anything else (zero, negative, no unit).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        // Longest suffix first, so `ms` is not read as `m`.
        guard let (suffix, unit) = Self.units.sorted(by: { $0.suffix.count > $1.suffix.count }).first(where: { t.hasSuffix($0.suffix) })
        else { return nil }
        let number = t.dropLast(suffix.count)
        guard let n = Double(number), n > 0, n.isFinite, number.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        seconds = n * unit
        self.text = t
    }

    public var description: String { text }
}
