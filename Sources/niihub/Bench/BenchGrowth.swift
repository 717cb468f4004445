import ArgumentParser
import Foundation
import HubModel
import HubStore

/// Commit time as a store grows: whether a group commit costs the same in a store of 20 GB as in one
/// of 1 GB. Random keys (the raw records' SHA-256 index, the link keys) scatter each commit's writes
/// over more and more of the file; this shows whether that grows into the commits.
struct BenchGrowth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-growth",
        abstract: "Commit latency (p50/p99) at each step as a store grows to a given size.",
        discussion: """
            Fills the store with realistic events (gate camera reads and seal positions with their raw records) in \
            bulk transactions and, at every --step-gb of the file's size, times --window commits of --batch events, \
            the size of a busy hub's group commit. Reuses what the store already holds; the events stay in it.
            """)

    @OptionGroup var target: BenchStoreOptions
    @Option(name: .long, help: "Size to grow the store to, in GB (10^9 bytes).") var gigabytes: Double = 20
    @Option(name: .long, help: "Measure at every this many GB.") var stepGb: Double = 1
    @Option(name: .long, help: "Timed commits at each step.") var window: Int = 200
    @Option(name: .long, help: "Events per timed commit.") var batch: Int = 200
    @Option(name: .long, help: "Events per filling transaction.") var fill: Int = 5000

    struct Step: Encodable {
        var gigabytes: Double
        var events: Int
        var commitLatency: LatencySample
        var eventsPerSecond: Double
        /// Per timed commit: what SQLite read (`rchar`: its page-cache misses, served by the OS's cache
        /// or the disk), what of it came from the disk (`read_bytes`), and what went to the disk.
        var readKBPerCommit: Double?
        var diskReadKBPerCommit: Double?
        var diskWrittenKBPerCommit: Double?
    }

    /// This process's I/O counters from `/proc/self/io` (Linux), nil where the file is missing.
    struct ProcessIO {
        var rchar = 0, readBytes = 0, writeBytes = 0

        static func now() -> ProcessIO? {
            guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return nil }
            var io = ProcessIO()
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":")
                guard parts.count == 2, let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { continue }
                switch parts[0] {
                case "rchar": io.rchar = n
                case "read_bytes": io.readBytes = n
                case "write_bytes": io.writeBytes = n
                default: break
                }
            }
            return io
        }
    }

    func validate() throws {
        guard gigabytes > 0, stepGb > 0, window >= 1, batch >= 1, fill >= 1 else { throw ValidationError("sizes must be positive") }
        guard target.store.hasPrefix("sqlite:") else { throw ValidationError("bench-growth measures a SQLite file (sqlite:PATH)") }
    }

    func run() async throws {
        let path = String(target.store.dropFirst("sqlite:".count))
        let db = try BenchStoreURL(target.store).open()
        let population = BenchPopulation()
        var next = try await db.counts().events
        func size() -> Double {
            let bytes = [path, path + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
            return Double(bytes.reduce(0, +)) / 1e9
        }
        var steps: [Step] = []
        var mark = (size() / stepGb).rounded(.down) * stepGb + stepGb
        let clock = ContinuousClock()
        print("growing \(target.store) to \(gigabytes) GB (now \(String(format: "%.2f", size())) GB, \(next) events)")
        while true {
            if size() >= mark || mark > gigabytes {
                var latencies: [Duration] = []
                let io = ProcessIO.now()
                let started = clock.now
                for _ in 0..<window {
                    let b = population.batch(next..<(next + batch), declarations: 100_000)
                    next += batch
                    let t = clock.now
                    try await db.append(b)
                    latencies.append(clock.now - t)
                }
                let seconds = (clock.now - started).secondsValue
                // Checkpoints run on their own thread in this process, so the figures include them.
                let after = ProcessIO.now()
                func perCommit(_ f: (ProcessIO) -> Int) -> Double? {
                    guard let io, let after else { return nil }
                    return (Double(f(after) - f(io)) / 1024 / Double(window) * 10).rounded() / 10
                }
                let step = Step(
                    gigabytes: (size() * 1000).rounded() / 1000, events: next, commitLatency: LatencySample(latencies),
                    eventsPerSecond: Double(window * batch) / seconds, readKBPerCommit: perCommit(\.rchar),
                    diskReadKBPerCommit: perCommit(\.readBytes), diskWrittenKBPerCommit: perCommit(\.writeBytes))
                steps.append(step)
                print(String(format: "  %7.3f GB, %@ events: commit of %d events %@; per commit read %@ KB (%@ KB from disk), %@ KB written",
                             step.gigabytes, "\(step.events)", batch, step.commitLatency.text,
                             step.readKBPerCommit.map { "\($0)" } ?? "?", step.diskReadKBPerCommit.map { "\($0)" } ?? "?",
                             step.diskWrittenKBPerCommit.map { "\($0)" } ?? "?"))
                fflush(nil)  // every stream: a run takes half an hour, each step shows as it comes
                if mark > gigabytes { break }
                mark += stepGb
            }
            try await db.append(population.batch(next..<(next + fill), declarations: 100_000))
            next += fill
        }
        if let first = steps.first, let last = steps.last {
            print(String(format: "last / first step: p50 %.2f×, p99 %.2f×",
                         last.commitLatency.p50Ms / max(first.commitLatency.p50Ms, 1e-9),
                         last.commitLatency.p99Ms / max(first.commitLatency.p99Ms, 1e-9)))
        }
        try writeBenchJSON(["store": AnyEncodable(target.store), "steps": AnyEncodable(steps)], to: target.json)
    }
}
