import ArgumentParser
import Crypto
import Foundation
import HubDrivers
import HubModel
import HubStore
import HubStorePostgres
import Logging

/// Ingest throughput of a store: batches of tracker events, each with its raw record and link
/// keys, appended the way the hub's group committer does, timed end to end.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ingest",
        abstract: "Append batches of realistic events to a store and print events/s.",
        discussion: """
            --store sqlite:PATH writes a SQLite file (made if missing); --store postgres://… writes \
            to PostgreSQL (needs a niihub built with --traits PostgreSQL). Events are built before \
            the clock starts: GPS fixes and seal reports from --devices trackers, each with a \
            60-100 byte raw record and the seal as link key. `make bench-ingest` runs both stores.
            """)

    @Option(name: .long, help: "sqlite:PATH, or a postgres:// URL.")
    var store: String

    @Option(name: .long, help: "How many events in all.")
    var events = 50_000

    @Option(name: .long, help: "Events per append (one transaction each).")
    var batch = 200

    @Option(name: .long, help: "Appends in flight at once.")
    var writers = 1

    @Option(name: .long, help: "How many trackers the events come from.")
    var devices = 500

    @Flag(name: .long, help: "PostgreSQL: write into a new database made on that server, not the URL's own.")
    var freshDatabase = false

    func run() async throws {
        guard events > 0, batch > 0, writers > 0, devices > 0 else {
            throw ValidationError("--events, --batch, --writers and --devices must be positive")
        }
        let settings: StoreSettings
        if store.hasPrefix("sqlite:") {
            settings = .sqlite(path: String(store.dropFirst("sqlite:".count)))
        } else {
            do {
                var at = try PostgresLocation(url: store)
                if freshDatabase { at = try await Self.fresh(at) }
                settings = .postgres(at)
            } catch let e as InvalidPostgresURL {
                throw ValidationError("--store: \(e.reason) (or sqlite:PATH)")
            }
        }
        var logger = Logger(label: "bench-ingest")
        logger.logLevel = .warning
        let target = try await StoreOpener.open(settings, logger: logger)
        let batches = Self.batches(events: events, size: batch, devices: devices)
        let writers = self.writers
        let before = try await target.counts().events
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for b in stride(from: w, to: batches.count, by: writers) { try await target.append(batches[b]) }
                    }
                }
                try await group.waitForAll()
            }
        }
        let stored = try await target.counts().events - before
        await target.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = String(format: "%.2f s, %.0f events/s", seconds, Double(stored) / seconds)
        print("\(settings.description): \(stored) events in \(batches.count) appends of \(batch) (\(writers) writers): \(rate)")
        guard stored == events else { throw ValidationError("stored \(stored) events, expected \(events)") }
    }

    static func fresh(_ at: PostgresLocation) async throws -> PostgresLocation {
        #if PostgreSQL
        return try await ScratchDatabase.create(on: at, prefix: "niihub_bench")
        #else
        throw PostgreSQLNotBuilt(location: at.redacted)
        #endif
    }

    /// Tracker traffic: every third event a seal report naming its seal, the rest GPS fixes.
    static func batches(events: Int, size: Int, devices: Int) -> [IngestBatch] {
        let ids = EventIDGenerator()
        let t0 = Date()
        var out: [IngestBatch] = []
        var current = IngestBatch()
        for n in 0..<events {
            let unit = String(format: "8612345678%05d", n % devices)
            let at = t0.addingTimeInterval(Double(n) / 1000)
            let lat = 10.75 + Double(n % 997) / 10_000, lon = 106.65 + Double(n % 991) / 10_000
            let line = "##B,\(unit),\(Timestamp.format(at)),\(lat),\(lon),\(n % 3 == 0 ? "LOCK" : "FIX"),\(n)\r\n"
            let bytes = Array(line.utf8)
            let raw = RawRecord(
                sha256: Hex.encode(SHA256.hash(data: bytes)), format: "eseal-ascii",
                deviceID: unit, firstReceivedAt: at, receivedAt: at, frameCount: 1, bytes: bytes)
            let seal = n % 3 == 0
            let event = InspectionEvent(
                id: ids.next(at: at), kind: seal ? EventKind.sealStatus : EventKind.gpsFix,
                device: DeviceRef(id: unit, profile: "ascii-eseal", family: ESealFamily.family.name), site: "bench", lane: nil,
                observedAt: at, receivedAt: at, subject: seal ? Subject(seals: ["SEAL\(n % devices)"]) : Subject(),
                payload: seal
                    ? SealStatusPayload(status: .locked, deviceEvent: "LOCK", lat: lat, lon: lon, batteryPercent: 87).payload
                    : GPSFixPayload(lat: lat, lon: lon, source: "eseal", speedKmh: 42.5, courseDeg: 181, satellites: 9, hdop: 0.9).payload,
                severity: .info, raw: raw.ref)
            current.append(IngestBatch(records: [raw], events: [event]))
            if current.events.count == size {
                out.append(current)
                current = IngestBatch()
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
