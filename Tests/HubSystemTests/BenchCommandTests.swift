import Foundation
import HubStore
import HubTesting
import Testing

/// The storage benchmarks on tiny populations: they run, write what they say, and check their
/// links. No timing is asserted; the figures are for BENCHMARKS.md, not for tests.
@Suite(.timeLimit(.minutes(2)))
struct BenchCommandTests {
    @Test func benchLinkFindsEveryExpectedLinkAndReusesItsPopulation() throws {
        let dir = try TemporaryDirectory("bench-link")
        let args = ["bench-link", "--store", "sqlite:" + dir.path("pop.sqlite"), "--declarations", "40", "--events", "200",
                    "--probes", "15", "--json", dir.path("link.json")]
        let first = try CommandLineTests.run(args)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("wrong or missing links: 0"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("link.json")))) as? [String: Any])
        #expect(json["wrongLinks"] as? Int == 0)
        #expect(json["loadSeconds"] != nil)
        #expect((json["eventStoreAndLink"] as? [String: Any])?["count"] as? Int == 15)
        #expect((json["declarationLinkQuery"] as? [String: Any])?["count"] as? Int == 15)
        let again = try CommandLineTests.run(args)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.err.contains("reusing the population"))
    }

    @Test func benchStoreWritesEveryEventItTimes() async throws {
        let dir = try TemporaryDirectory("bench-store")
        let path = dir.path("ingest.sqlite")
        let r = try CommandLineTests.run([
            "bench-store", "--store", "sqlite:" + path, "--single", "5", "--bulk", "2", "--bulk-size", "10",
            "--devices", "10", "--per-device", "2", "--json", dir.path("ingest.json"),
        ])
        #expect(r.status == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("ingest.json")))) as? [String: Any])
        let phases = try #require(json["phases"] as? [[String: Any]])
        #expect(phases.map { $0["events"] as? Int } == [5, 20, 20])
        #expect(try await SQLiteEventStore(path: path).counts().events == 45)
    }

    @Test func benchGrowthTimesAWindowAtEveryStepAndKeepsWhatItWrote() async throws {
        let dir = try TemporaryDirectory("bench-growth")
        let path = dir.path("growth.sqlite")
        let r = try CommandLineTests.run([
            "bench-growth", "--store", "sqlite:" + path, "--gigabytes", "0.002", "--step-gb", "0.001", "--window", "3",
            "--batch", "4", "--fill", "100", "--json", dir.path("growth.json"),
        ])
        #expect(r.status == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("growth.json")))) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        // One window at 1 MB, one at 2 MB and one past the end; each of 3 commits of 4 events.
        #expect(steps.count == 3, "\(steps)")
        #expect(steps.allSatisfy { ($0["commitLatency"] as? [String: Any])?["count"] as? Int == 3 })
        let sizes = steps.compactMap { $0["gigabytes"] as? Double }
        #expect(sizes == sizes.sorted() && (sizes.last ?? 0) >= 0.002, "\(sizes)")
        let events = try #require(steps.last?["events"] as? Int)
        #expect(try await SQLiteEventStore(path: path).counts().events == events)
        #expect(r.out.contains("last / first step"))
    }

    @Test func aStoreURLThisBuildCannotOpenIsRefusedClearly() throws {
        let r = try CommandLineTests.run(["bench-store", "--store", "postgres://127.0.0.1/niihub"])
        #expect(r.status != 0)
        #expect(r.err.contains("sqlite:PATH") && r.err.contains("postgres"))
    }
}
