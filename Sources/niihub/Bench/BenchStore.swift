import ArgumentParser
import Foundation
import HubDevices
import HubIngest
import HubModel
import HubStore
import Logging

/// Ingest on a store, without devices or network: what the store itself sustains, the way the hub
/// writes to it. Three phases: one event per transaction (what a single quiet device costs), large
/// transactions (bulk import), and many devices at once through the hub's own ingest sink, whose
/// group commit folds concurrent batches into shared transactions.
struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store",
        abstract: "Ingest throughput and commit latency of a store (events/s, p50/p99), by store URL.",
        discussion: "Give an empty or throwaway store: the events written stay in it (stores are append-only).")

    @OptionGroup var target: BenchStoreOptions
    @Option(name: .long, help: "Transactions of one event each, one after another.") var single: Int = 200
    @Option(name: .long, help: "Transactions of --bulk-size events, one after another.") var bulk: Int = 20
    @Option(name: .long, help: "Events per bulk transaction.") var bulkSize: Int = 1000
    @Option(name: .long, help: "Devices delivering at once through the ingest sink (group commit).") var devices: Int = 1000
    @Option(name: .long, help: "Batches of one event each device delivers, each waiting for the previous.") var perDevice: Int = 20

    struct Phase: Encodable {
        var name: String
        var events: Int
        var seconds: Double
        var eventsPerSecond: Double
        var commitLatency: LatencySample
    }

    func validate() throws {
        guard single >= 0, bulk >= 0, bulkSize >= 1, devices >= 0, perDevice >= 1 else {
            throw ValidationError("counts must be positive")
        }
    }

    func run() async throws {
        let db = try BenchStoreURL(target.store).open()
        let population = BenchPopulation()
        var next = try await db.counts().events
        func batch(_ n: Int) -> IngestBatch {
            defer { next += n }
            return population.batch(next..<(next + n), declarations: 100_000)
        }
        var phases: [Phase] = []
        if single > 0 {
            let batches = (0..<single).map { _ in batch(1) }
            phases.append(try await sequential("1 event per transaction", batches, db))
        }
        if bulk > 0 {
            let batches = (0..<bulk).map { _ in batch(bulkSize) }
            phases.append(try await sequential("\(bulkSize) events per transaction", batches, db))
        }
        if devices > 0 {
            let work = (0..<devices).map { _ in (0..<perDevice).map { _ in batch(1) } }
            phases.append(try await concurrent(work, db))
        }
        print("ingest on \(target.store):")
        for p in phases {
            print(String(format: "  %@: %d events in %.2f s = %.0f events/s; commit %@", p.name, p.events, p.seconds,
                         p.eventsPerSecond, p.commitLatency.text))
        }
        try writeBenchJSON(["store": AnyEncodable(target.store), "phases": AnyEncodable(phases)], to: target.json)
    }

    private func sequential(_ name: String, _ batches: [IngestBatch], _ db: any EventStore) async throws -> Phase {
        var latencies: [Duration] = []
        let clock = ContinuousClock()
        let started = clock.now
        for b in batches {
            let t = clock.now
            try await db.append(b)
            latencies.append(clock.now - t)
        }
        let seconds = (clock.now - started).secondsValue
        let events = batches.reduce(0) { $0 + $1.events.count }
        return Phase(name: name, events: events, seconds: seconds, eventsPerSecond: Double(events) / seconds,
                     commitLatency: LatencySample(latencies))
    }

    /// Every device delivers its batches one after another, all devices at once, through the
    /// hub's `IngestSink` (group commit), as the TCP listener does for its connections.
    private func concurrent(_ work: [[IngestBatch]], _ db: any EventStore) async throws -> Phase {
        var logger = Logger(label: "bench-store")
        logger.logLevel = .warning
        let sink = IngestSink(store: db, registry: DeviceRegistry(devices: []), ids: EventIDGenerator(), logger: logger)
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = await withTaskGroup(of: [Duration].self) { group in
            for (d, batches) in work.enumerated() {
                group.addTask {
                    var out: [Duration] = []
                    for b in batches {
                        let t = clock.now
                        _ = await sink.deliver(deviceID: "bench-\(d)", batch: b, counted: DecodeCounters())
                        out.append(clock.now - t)
                    }
                    return out
                }
            }
            return await group.reduce(into: [Duration]()) { $0 += $1 }
        }
        let seconds = (clock.now - started).secondsValue
        let events = work.reduce(0) { $0 + $1.reduce(0) { $0 + $1.events.count } }
        return Phase(name: "\(work.count) devices at once, 1 event per batch, group commit", events: events,
                     seconds: seconds, eventsPerSecond: Double(events) / seconds, commitLatency: LatencySample(latencies))
    }
}

/// Any encodable value, for a JSON object of mixed members.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
