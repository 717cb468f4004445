import Foundation
import HubModel
import HubStore
import HubStorePostgres
import Logging

/// The PostgreSQL server tests run against: `NIIHUB_TEST_POSTGRES_URL`, which `make test` sets
/// (scripts/with-postgres.sh starts a throwaway server). With `NIIHUB_REQUIRE_POSTGRES=1` a missing
/// server or a build without the PostgreSQL trait fails the tests; otherwise they run on SQLite only.
public enum PostgresTestServer {
    public static var url: String? {
        ProcessInfo.processInfo.environment["NIIHUB_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The same server over loopback TCP, which takes TLS connections only; the URL has no
    /// `sslmode`, so it is the hub's default (`NIIHUB_TEST_POSTGRES_TCP_URL`, set by with-postgres.sh).
    public static var tcpURL: String? {
        ProcessInfo.processInfo.environment["NIIHUB_TEST_POSTGRES_TCP_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The CA file that signed the TCP server's certificate (`NIIHUB_TEST_POSTGRES_CA`).
    public static var caFile: String? {
        ProcessInfo.processInfo.environment["NIIHUB_TEST_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var required: Bool { ProcessInfo.processInfo.environment["NIIHUB_REQUIRE_POSTGRES"] == "1" }

    /// Whether PostgreSQL cases run: a server is given, or one is required (and its absence fails).
    public static var wanted: Bool { url != nil || required }

    public static let skipReason =
        "NIIHUB_TEST_POSTGRES_URL is not set, so the store suites ran on SQLite only; make test runs them on PostgreSQL too"

    /// A new, empty database on the test server.
    public static func scratch() async throws -> PostgresLocation {
        guard let url else {
            throw Unavailable(why: "NIIHUB_TEST_POSTGRES_URL is not set (make test starts a PostgreSQL and sets it)")
        }
        #if PostgreSQL
        return try await ScratchDatabase.create(on: try PostgresLocation(url: url))
        #else
        throw Unavailable(why: "this test build has no PostgreSQL store; build with --traits PostgreSQL")
        #endif
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var why: String
        public var description: String { "PostgreSQL for tests: \(why)" }
    }
}

/// Which store a test runs on.
public enum StoreKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// SQLite always; PostgreSQL when wanted (see `PostgresTestServer.wanted`).
    public static var testable: [StoreKind] { PostgresTestServer.wanted ? [.sqlite, .postgres] : [.sqlite] }

    /// The `store:` block of a site file for a new, empty store of this kind (`file` for SQLite).
    public func siteBlock(file: String = "hub.sqlite") async throws -> String {
        switch self {
        case .sqlite: return "store:\n  sqlite: \(file)"
        case .postgres: return try await Self.postgresBlock(try await PostgresTestServer.scratch())
        }
    }

    /// The `store:` block naming a PostgreSQL database (hubs sharing it each keep their own `data`).
    public static func postgresBlock(_ at: PostgresLocation, data: String = "data") -> String {
        "store:\n  kind: postgres\n  url: \"\(at.redacted)\"\n  data: \(data)"
    }
}

/// `psql` on a test database, for what a test reads beside the hub (its leases, its counts).
public enum Psql {
    /// Runs `sql` on `at` and returns psql's unaligned, tuples-only output, trimmed.
    public static func query(_ at: PostgresLocation, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", at.redacted, "-c", sql]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(description: "psql: \(problem)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public struct Failure: Error, CustomStringConvertible { public var description: String }
}
