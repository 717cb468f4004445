#if PostgreSQL
import Foundation
import HubTesting
import Testing

/// The pair failover tests run on (`scripts/pg-pair.sh`): with a synchronous standby, rows the
/// primary committed are all on the standby once it is promoted after the primary was SIGKILLed,
/// and the promoted server takes writes at once (its commits do not wait for a standby it lacks).
@Suite(.timeLimit(.minutes(3)))
struct PostgresPairTests {
    @Test(.enabled(if: PostgresPair.installed || PostgresTestServer.required, "needs the PostgreSQL server binaries"))
    func committedRowsSurviveAKilledPrimaryOnThePromotedStandby() async throws {
        let pair = try await PostgresPair.start(sync: true)
        do {
            try await Self.killAndPromote(pair)
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
        #expect(!FileManager.default.fileExists(atPath: pair.directory))
    }

    static func killAndPromote(_ pair: PostgresPair) async throws {
        let (p1, p2) = (pair.primaryPort, pair.standbyPort)
        #expect(pair.url == "postgres://niihub@127.0.0.1:\(p1),127.0.0.1:\(p2)/postgres?target_session_attrs=read-write&sslmode=disable")
        #expect(try await pair.status() == "\(p1) read-write\n\(p2) in-recovery")
        #expect(try await pair.query(port: p1, sql: "SELECT state, sync_state FROM pg_stat_replication") == "streaming|sync")
        #expect(try await pair.query(port: p1, sql: "SHOW fsync") == "on")

        // 100 commits, one row each: each waited for the standby to flush it.
        let inserts = (1...100).map { "INSERT INTO t VALUES (\($0), 'row \($0)');" }.joined(separator: "\n")
        _ = try await pair.query(port: p1, sql: "CREATE TABLE t (n int PRIMARY KEY, note text);\n" + inserts)
        #expect(try await pair.query(port: p1, sql: "SELECT count(*), sum(n) FROM t") == "100|5050")
        // The standby is read-only.
        await #expect(throws: PostgresPair.Failure.self) { try await pair.query(port: p2, sql: "INSERT INTO t VALUES (0, 'no')") }

        try await pair.killPrimary()
        #expect(try await pair.status() == "\(p1) down\n\(p2) in-recovery")
        await #expect(throws: PostgresPair.Failure.self) { try await pair.query(port: p1, sql: "SELECT 1") }

        try await pair.promote()
        #expect(try await pair.status() == "\(p1) down\n\(p2) read-write")
        #expect(try await pair.query(port: p2, sql: "SELECT count(*), sum(n), min(note), max(n) FROM t") == "100|5050|row 1|100")
        // The sync setting was the old primary's alone: a commit here does not wait for a standby.
        #expect(try await pair.query(port: p2, sql: "SHOW synchronous_standby_names") == "")
        _ = try await pair.query(port: p2, sql: "INSERT INTO t VALUES (101, 'after promotion')")
        #expect(try await pair.query(port: p2, sql: "SELECT count(*), max(n) FROM t") == "101|101")
    }
}
#endif
