import ArgumentParser
import Foundation
import HubStore

/// Which store a storage benchmark runs against, named by URL so the same command measures every
/// store the hub can use: `sqlite:PATH` (or `sqlite://PATH`, `file:PATH`, a bare path).
struct BenchStoreURL {
    let path: String

    init(_ text: String) throws {
        for prefix in ["sqlite://", "sqlite:", "file://", "file:"] where text.hasPrefix(prefix) {
            path = String(text.dropFirst(prefix.count))
            guard !path.isEmpty else { throw ValidationError("--store \(text): no path after '\(prefix)'") }
            return
        }
        if let scheme = text.range(of: "://").map({ String(text[..<$0.lowerBound]) }) {
            throw ValidationError("--store \(text): this build's stores are sqlite:PATH; '\(scheme)' is not one of them")
        }
        path = text
    }

    /// Opens (creating if needed) the store, as the hub would.
    func open() throws -> SQLiteEventStore { try SQLiteEventStore(path: path) }
}

/// What every storage benchmark takes: the store, and where to write its result.
struct BenchStoreOptions: ParsableArguments {
    @Option(name: .long, help: "Store URL: sqlite:PATH.") var store: String
    @Option(name: .long, help: "Also write the result as JSON to this file.") var json: String?
}

/// Percentiles of measured durations, in milliseconds.
struct LatencySample: Encodable {
    var count: Int
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var maxMs: Double

    init(_ durations: [Duration]) {
        let ms = durations.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        func rank(_ p: Double) -> Double {
            guard !ms.isEmpty else { return .nan }
            return ms[min(max(Int((p / 100 * Double(ms.count)).rounded(.up)) - 1, 0), ms.count - 1)]
        }
        count = ms.count
        p50Ms = rank(50)
        p90Ms = rank(90)
        p99Ms = rank(99)
        maxMs = ms.last ?? .nan
    }

    var text: String { String(format: "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms (n=%d)", p50Ms, p90Ms, p99Ms, maxMs, count) }
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Writes a benchmark's result as pretty JSON to `path` when one is given.
func writeBenchJSON<T: Encodable>(_ value: T, to path: String?) throws {
    guard let path else { return }
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    try e.encode(value).write(to: URL(fileURLWithPath: path))
}
