import HubDevices
import HubModel

/// The site file's `retention:` section, checked field by field:
///
/// ```yaml
/// retention:
///   default: 5y                 # kinds not listed (absent: kept for ever)
///   kinds: {radiation.background: 90d, device.status: 1y, gps.*: 2y}
///   raw: 5y                     # raw records no kept event points at (absent: as default)
///   every: 1h                   # how often a purge runs
///   batch: 100                  # rows per write transaction
///   pause: 50ms                 # between two batches
///   partition: month            # PostgreSQL: the time one events partition spans (week or month)
///   notifications: 90d          # outbox messages in a final state (at least 1d, the longest fold window)
/// ```
struct RawRetention: Decodable {
    var policy: RetentionPolicy

    enum CodingKeys: String, CodingKey, CaseIterable { case `default`, kinds, raw, every, batch, pause, partition, notifications }

    static let ageWords = "a number and a unit (ms, s, m, h, d, w, y), e.g. 90d or 5y"

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func age(_ key: CodingKeys) throws -> RetentionAge? {
            try c.decodeIfPresent(String.self, forKey: key, where: { RetentionAge($0) != nil }, expected: Self.ageWords)
                .flatMap(RetentionAge.init)
        }
        policy = RetentionPolicy()
        policy.defaultAge = try age(.default)
        policy.rawAge = try age(.raw)
        policy.everySeconds = try age(.every)?.seconds ?? policy.everySeconds
        policy.pauseSeconds = try age(.pause)?.seconds ?? policy.pauseSeconds
        policy.notificationsAge = try c.decodeIfPresent(
            String.self, forKey: .notifications, where: { (RetentionAge($0)?.seconds ?? 0) >= 86_400 },
            expected: "an age of at least 1d (a fold window is at most a day), e.g. 90d"
        ).flatMap(RetentionAge.init) ?? policy.notificationsAge
        policy.batchRows = try c.decode(
            Int.self, forKey: .batch, default: policy.batchRows, where: (1...100_000).contains,
            expected: "rows per batch from 1 to 100000")
        policy.partition = PartitionPeriod(
            rawValue: try c.decode(
                String.self, forKey: .partition, default: policy.partition.rawValue, where: { PartitionPeriod(rawValue: $0) != nil },
                expected: "week or month"))!
        if c.contains(.kinds) {
            let kinds = try c.nestedContainer(keyedBy: AnyKey.self, forKey: .kinds)
            for key in kinds.allKeys {
                let at = c.codingPath + [CodingKeys.kinds, key]
                guard Self.isKindPattern(key.stringValue) else {
                    throw InvalidValue(
                        codingPath: at, message: "expected an event kind (radiation.background) or a family (radiation.*)")
                }
                let text = try kinds.decode(String.self, forKey: key)
                guard let a = RetentionAge(text) else {
                    throw InvalidValue(codingPath: at, message: "expected \(Self.ageWords), got '\(text)'")
                }
                policy.kinds[key.stringValue] = a
            }
        }
    }

    /// Lower-case dotted words, optionally ending in `.*`.
    static func isKindPattern(_ s: String) -> Bool {
        let body = s.hasSuffix(".*") ? String(s.dropLast(2)) : s
        guard !body.isEmpty, !body.hasPrefix("."), !body.hasSuffix("."), !body.contains("..") else { return false }
        return body.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_" }
    }
}
