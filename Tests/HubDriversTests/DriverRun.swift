import Foundation
import HubDrivers
import HubModel

/// What a driver made of some input, sorted by step kind, for assertions.
struct DriverRun {
    var steps: [DriverStep] = []
    var frames: [[UInt8]] = []
    var readings: [DeviceReading] = []
    var replies: [[UInt8]] = []
    var answers: [UnitAnswer] = []
    var counters = DecodeCounters()
    /// The unit the input named, and the verdict on it.
    var unit: UnitLogin?

    var fixes: [GPSFix] { readings.compactMap { if case .gpsFix(let f) = $0 { f } else { nil } } }
    var seals: [SealStatus] { readings.compactMap { if case .sealStatus(let s) = $0 { s } else { nil } } }
    var statuses: [TrackerStatus] { readings.compactMap { if case .trackerStatus(let t) = $0 { t } else { nil } } }
    var archivedBytes: Int { frames.reduce(0) { $0 + $1.count } }

    /// Feeds `chunks` to `driver` in order, then ends the input.
    init(
        _ driver: some DeviceDriver, chunks: [ArraySlice<UInt8>], at: Date = Date(timeIntervalSince1970: 1_700_000_000),
        finish: Bool = true
    ) {
        var driver = driver
        for c in chunks { driver.push(c, receivedAt: at, into: &steps) }
        if finish { driver.finish(receivedAt: at, into: &steps) }
        for s in steps {
            switch s {
            case .frame(let f): frames.append(Array(f))
            case .reading(let r, _): readings.append(r)
            case .reply(let r): replies.append(r)
            case .answer(let a): answers.append(a)
            }
        }
        counters = driver.counters
        unit = driver.unit
    }

    /// Feeds bytes in chunks (64 KiB by default), as a transport would.
    init(_ driver: some DeviceDriver, _ bytes: [UInt8], chunk: Int = 65_536, finish: Bool = true) {
        let pieces = stride(from: 0, to: bytes.count, by: max(1, chunk)).map { bytes[$0..<min($0 + chunk, bytes.count)] }
        self.init(driver, chunks: pieces, at: Date(timeIntervalSince1970: 1_800_000_000), finish: finish)
    }

    var measurements: [RadiationInstrumentReading.Measurement] {
        readings.compactMap { if case .radiationInstrument(.measurement(let m)) = $0 { m } else { nil } }
    }

    var alarms: [RadiationInstrumentReading.Alarm] {
        readings.compactMap { if case .radiationInstrument(.alarm(let a)) = $0 { a } else { nil } }
    }

    var ocrReads: [OCRReading] { readings.compactMap { if case .ocr(let r) = $0 { r } else { nil } } }

    var scans: [ScanResultDocument] { readings.compactMap { if case .scan(let d) = $0 { d } else { nil } } }

    /// Feeds `bytes` in pieces of `chunk` bytes, as a port hands them over.
    init(_ driver: some DeviceDriver, bytes: [UInt8], chunk: Int = 64) {
        let pieces = stride(from: 0, to: bytes.count, by: max(1, chunk)).map { bytes[$0..<min($0 + chunk, bytes.count)] }
        self.init(driver, chunks: pieces)
    }

    /// Decodes a hex capture line by line, as `niihub decode` reads `.hexLines` files.
    init(_ driver: some DeviceDriver, hexFrames: [String]) {
        self.init(driver, chunks: hexFrames.map { Hex.decode(Array($0.utf8))![...] })
    }
}

/// The test suites' deterministic random numbers (a 64-bit LCG), so a failing seed can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

/// Robustness checks every tracker driver must pass: whatever the bytes, no crash, every byte archived,
/// counters that add up, nothing held without bound.
enum DriverTorture {
    /// Random bytes in random chunk sizes.
    static func randomBytes(_ make: () -> any DeviceDriver, seed: UInt64, total: Int = 64 * 1024) -> DriverRun {
        var rng = SeededRandom(seed: seed)
        var bytes = [UInt8](repeating: 0, count: total)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        return DriverRun(make(), bytes: bytes, chunk: Int.random(in: 1...700, using: &rng))
    }

    /// Each frame with a few random bytes changed.
    static func mutated(_ frames: [[UInt8]], seed: UInt64) -> [[UInt8]] {
        var rng = SeededRandom(seed: seed)
        return frames.map { f in
            var m = f
            guard !m.isEmpty else { return m }
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                m[Int.random(in: 0..<m.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return m
        }
    }

    /// Every prefix of `frame`, each given to a fresh driver.
    static func truncations(_ frame: [UInt8], _ make: () -> any DeviceDriver) -> [DriverRun] {
        (0...frame.count).map { n in DriverRun(make(), chunks: [frame[..<n]]) }
    }

    /// The invariants that must hold after any input.
    /// Line protocols archive only the head of an over-long line, hence `everyByteArchived: false`.
    static func consistent(_ run: DriverRun, inputBytes: Int, everyByteArchived: Bool = true) -> Bool {
        let c = run.counters
        let archived = everyByteArchived ? run.archivedBytes == inputBytes : run.archivedBytes <= inputBytes
        return c.bytes == inputBytes && archived && c.frames >= c.rejectedTotal + c.unknownTotal
            && c.readings == run.readings.count
    }
}

/// A small deterministic generator, so property tests replay the same inputs.
struct Lcg: RandomNumberGenerator {
    var s: UInt64
    mutating func next() -> UInt64 {
        s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return s
    }
}
