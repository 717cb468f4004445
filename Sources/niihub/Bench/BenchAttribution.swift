import ArgumentParser
import Foundation
import HubCorrelation
import HubModel
import HubSimulation

/// Attribution at scale: a seeded random queue of trucks (`LaneTraffic`) through the passage
/// assembler in hub-arrival order, every read and scan graded against the ground truth.
struct BenchAttribution: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-attribution",
        abstract: "Attribute N simulated trucks' reads and scans to passages; print the shares right, ambiguous, unattributed and wrong.",
        discussion: """
            The queue (lengths, speeds, gaps from nose to tail to minutes, stops, clock skew, missed, \
            doubled, misread and neighbouring-lane reads, late scans) is made before the clock starts; \
            the time is the assembler's alone. Exits 1 when any evidence went silently to another \
            truck, an alarm is off its truck, or a truck has no passage.
            """)

    @Option(name: .long, help: "Trucks in the queue.") var trucks: Int = 10_000
    @Option(name: .long, help: "The queue's seed.") var seed: UInt64 = 1
    @Option(name: .long, help: "Lanes side by side.") var lanes: Int = 2
    @Option(name: .long, help: "Write the figures as JSON to this file.") var json: String?

    struct Result: Encodable {
        var trucks: Int
        var lanes: Int
        var seed: UInt64
        var evidence: Int
        var right: Int
        var ambiguous: Int
        var unattributed: Int
        var wrong: Int
        var misplacedAlarms: Int
        var portalMismatches: Int
        var seconds: Double
        var loadAverage: String
    }

    func validate() throws {
        guard trucks >= 1, lanes >= 1 else { throw ValidationError("need --trucks ≥ 1 and --lanes ≥ 1") }
    }

    func run() throws {
        let world = LaneTraffic(trucks: trucks, seed: seed, lanes: lanes)
        var passages: [Passage] = []
        let elapsed = ContinuousClock().measure { passages = world.assemble() }
        let check = world.check(passages)
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        let r = Result(
            trucks: trucks, lanes: lanes, seed: seed, evidence: check.evidence, right: check.count(.right),
            ambiguous: check.count(.ambiguous), unattributed: check.count(.unattributed), wrong: check.count(.wrong),
            misplacedAlarms: check.misplacedAlarms, portalMismatches: check.portalMismatches, seconds: elapsed.secondsValue,
            loadAverage: load)
        func pct(_ v: AttributionCheck.Verdict) -> String { String(format: "%.2f %%", check.share(v) * 100) }
        print("attribution of \(trucks) trucks in \(lanes) lane(s), seed \(seed): \(check.evidence) evidence items (reads, scans)")
        print("  right:        \(check.count(.right)) (\(pct(.right)))")
        print("  ambiguous:    \(check.count(.ambiguous)) (\(pct(.ambiguous))), flagged with their truck among the candidates")
        print("  unattributed: \(check.count(.unattributed)) (\(pct(.unattributed)))")
        print("  wrong (silent misattributions): \(check.count(.wrong))")
        print("  alarms off their truck: \(check.misplacedAlarms); portal mismatches: \(check.portalMismatches)")
        print(String(format: "  assembler time: %.3f s (%d events); load average %@", r.seconds, world.events.count, load))
        for p in check.problems.prefix(20) { print("  problem: \(p)") }
        try writeBenchJSON(r, to: json)
        if !check.sound { throw ExitCode(1) }
    }
}
