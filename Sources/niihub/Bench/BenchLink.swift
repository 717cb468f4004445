import ArgumentParser
import Foundation
import HubModel
import HubStore

/// Correlation at scale: how long linking takes against a large population of declarations and
/// events. Links are a join between the identifiers events name and those of the declarations in
/// force, so "linking" a new event is storing it (its identifiers indexed) and reading its links;
/// for a new declaration, saving it (its identifiers indexed) and reading the events it links to.
struct BenchLink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-link",
        abstract: "Link latency against N declarations and M events in a store (p50/p99), checking every link found.",
        discussion: """
            The population is loaded once (in transactions of 5,000) and reused when the store already \
            holds it. Each probe stores one new event naming a declared identifier, or one new \
            declaration naming identifiers events already carry, then reads its links; both steps are \
            timed, and the links must name exactly the expected partners.
            """)

    @OptionGroup var target: BenchStoreOptions
    @Option(name: .long, help: "Declarations in the population.") var declarations: Int = 100_000
    @Option(name: .long, help: "Events in the population (each names one declaration's container or seal).") var events: Int = 1_000_000
    @Option(name: .long, help: "Probes of each kind (new event, new declaration).") var probes: Int = 1000

    struct Result: Encodable {
        var store: String
        var declarations: Int
        var events: Int
        var loadSeconds: Double?
        var eventStoreAndLink: LatencySample
        var eventLinkQuery: LatencySample
        var declarationSaveAndLink: LatencySample
        var declarationLinkQuery: LatencySample
        var wrongLinks: Int
    }

    func validate() throws {
        guard declarations >= 1, events >= declarations, probes >= 1 else {
            throw ValidationError("need --declarations ≥ 1, --events ≥ --declarations, --probes ≥ 1")
        }
    }

    func run() async throws {
        let url = try BenchStoreURL(target.store)
        let db = try url.open()
        let population = BenchPopulation()
        let loadSeconds = try await load(db, population)
        var rng = SystemRandomNumberGenerator()
        var eventTotal: [Duration] = [], eventQuery: [Duration] = []
        var declTotal: [Duration] = [], declQuery: [Duration] = []
        var wrong = 0
        let clock = ContinuousClock()
        for p in 0..<probes {
            // A new event naming declaration i's container or seal: it must link to that declaration.
            let i = Int.random(in: 0..<declarations, using: &rng)
            let (event, record) = population.event(events + p, about: i)
            let t0 = clock.now
            try await db.append(IngestBatch(records: [record], events: [event]))
            let t1 = clock.now
            let links = try await db.links(event: event.id)
            let t2 = clock.now
            eventTotal.append(t2 - t0)
            eventQuery.append(t2 - t1)
            // Links come only through the identifiers the event names, and include declaration i.
            let named: Set<String> = [population.container(i), population.seal(i)]
            if !links.contains(where: { $0.declaration == population.declaration(i).number })
                || links.contains(where: { !named.contains($0.value) })
            {
                wrong += 1
            }

            // A new declaration naming declaration j's container, seal and plate: it links to every
            // event that named them (events j, j + N, j + 2N, …, and probe events about j).
            let j = Int.random(in: 0..<declarations, using: &rng)
            let fresh = population.declaration(j, number: "BN\(200_000_000 + p)")
            let t3 = clock.now
            _ = try await db.save(fresh, at: Date())
            let t4 = clock.now
            let linked = try await db.links(declaration: fresh.number)
            let t5 = clock.now
            declTotal.append(t5 - t3)
            declQuery.append(t5 - t4)
            let expected = (events - j + declarations - 1) / declarations
            let keys = Set(fresh.keys.map(\.value))
            if Set(linked.map(\.eventID)).count < expected
                || linked.contains(where: { $0.declaration != fresh.number || !keys.contains($0.value) })
            {
                wrong += 1
            }
        }
        let result = Result(
            store: target.store, declarations: declarations, events: events, loadSeconds: loadSeconds,
            eventStoreAndLink: LatencySample(eventTotal), eventLinkQuery: LatencySample(eventQuery),
            declarationSaveAndLink: LatencySample(declTotal), declarationLinkQuery: LatencySample(declQuery),
            wrongLinks: wrong)
        print("link against \(declarations) declarations and \(events) events (\(target.store)):")
        print("  new event: store + link \(result.eventStoreAndLink.text); link query \(result.eventLinkQuery.text)")
        print("  new declaration: save + link \(result.declarationSaveAndLink.text); link query \(result.declarationLinkQuery.text)")
        print("  wrong or missing links: \(wrong)")
        try writeBenchJSON(result, to: target.json)
        if wrong > 0 { throw ExitCode(1) }
    }

    /// Loads the population unless the store already holds it; returns the seconds it took (nil if reused).
    private func load(_ db: SQLiteEventStore, _ population: BenchPopulation) async throws -> Double? {
        let counts = try await db.counts()
        if counts.events >= events, try await db.declaration(number: population.declaration(declarations - 1).number, version: nil) != nil {
            FileHandle.standardError.write(Data("bench-link: reusing the population already in \(target.store)\n".utf8))
            return nil
        }
        guard counts.events == 0 else {
            throw ValidationError("\(target.store) holds \(counts.events) events but not this population: give an empty store")
        }
        let started = ContinuousClock.now
        let chunk = 5000
        for from in stride(from: 0, to: declarations, by: chunk) {
            _ = try await db.saveAll((from..<min(from + chunk, declarations)).map { population.declaration($0) }, at: Date())
        }
        for from in stride(from: 0, to: events, by: chunk) {
            try await db.append(population.batch(from..<min(from + chunk, events), declarations: declarations))
        }
        let seconds = (ContinuousClock.now - started).secondsValue
        FileHandle.standardError.write(Data(String(
            format: "bench-link: loaded %d declarations and %d events in %.1f s\n", declarations, events, seconds).utf8))
        return seconds
    }
}
