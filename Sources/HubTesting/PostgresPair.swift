import Foundation
import Synchronization

/// A throwaway PostgreSQL primary and its streaming standby on loopback (`scripts/pg-pair.sh`), for
/// failover tests: kill the primary hard, promote the standby, and check what was acknowledged.
///
/// It needs the server binaries only (`/usr/lib/postgresql/*/bin`), not with-postgres.sh nor the
/// PostgreSQL trait: it talks to the servers through the script and psql, so it is not behind
/// `#if PostgreSQL`. The pair is stopped and its folder removed by `stop()`, or on release.
public final class PostgresPair: Sendable {
    /// The primary's loopback port (dead after `killPrimary()`).
    public let primaryPort: Int
    /// The standby's loopback port (the primary after `promote()`).
    public let standbyPort: Int
    /// The folder holding both data folders, their logs and the servers' Unix sockets.
    public let directory: String
    private let stopped = Mutex(false)

    /// Both servers in libpq's multi-host form, read-write wanted: a client tries them in order and
    /// keeps the one that takes writes. Plain TCP: the pair has no TLS.
    public var url: String {
        "postgres://niihub@127.0.0.1:\(primaryPort),127.0.0.1:\(standbyPort)/postgres?target_session_attrs=read-write&sslmode=disable"
    }

    /// Whether the PostgreSQL server binaries the script uses are installed.
    public static var installed: Bool {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.contains { FileManager.default.isExecutableFile(atPath: root.path + "/\($0)/bin/initdb") }
    }

    static let script = Corpus.repositoryFile("scripts/pg-pair.sh").path

    private init(primaryPort: Int, standbyPort: Int, directory: String) {
        self.primaryPort = primaryPort
        self.standbyPort = standbyPort
        self.directory = directory
    }

    deinit {
        if !stopped.withLock({ $0 }) { _ = try? Self.run(["stop", directory]) }
    }

    /// Starts the pair and returns once the standby streams; with `sync`, once it is synchronous too,
    /// so a commit the primary acknowledges is on the standby's disk as well.
    public static func start(sync: Bool = true) async throws -> PostgresPair {
        // Short: the servers' Unix sockets live in it, and a socket path has at most 107 bytes.
        let directory = "/tmp/niihub-pair-\(UUID().uuidString.prefix(8).lowercased())"
        let out = try await runOffPool(["start", directory, "--sync", sync ? "on" : "off"])
        let fields = out.split(separator: " ")
        guard fields.count == 3, let p1 = Int(fields[0]), let p2 = Int(fields[1]) else {
            _ = try? await runOffPool(["stop", directory])
            throw Failure(arguments: ["start", directory], status: 0, output: "unexpected output: \(out)")
        }
        return PostgresPair(primaryPort: p1, standbyPort: p2, directory: String(fields[2]))
    }

    /// SIGKILLs the primary's postmaster and its children; returns once its port refuses connections.
    public func killPrimary() async throws { _ = try await Self.runOffPool(["kill-primary", directory]) }

    /// Promotes the standby; returns once it has left recovery and takes writes.
    public func promote() async throws { _ = try await Self.runOffPool(["promote", directory]) }

    /// Each server's port and role: `PORT read-write`, `PORT in-recovery` or `PORT down`, one a line.
    public func status() async throws -> String { try await Self.runOffPool(["status", directory]) }

    /// Runs `sql` on the server at `port` through its Unix socket, each statement its own
    /// transaction; returns the rows as psql's unaligned output (`|` between columns), trimmed.
    /// Throws when psql fails, e.g. the server is down or refuses the statement.
    public func query(port: Int, sql: String) async throws -> String {
        try await Self.runOffPool(["psql", directory, String(port), sql])
    }

    /// Stops both servers at once (no clean shutdown) and removes the folder.
    public func stop() async {
        guard !stopped.withLock({ let was = $0; $0 = true; return was }) else { return }
        _ = try? await Self.runOffPool(["stop", directory])
    }

    /// The script failed: its arguments, exit status and what it wrote.
    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var output: String
        public var description: String { "pg-pair.sh \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Off the cooperative pool: the script blocks for up to a minute, and a hub under test in the
    /// same process answers on that pool.
    static func runOffPool(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async { c.resume(with: Result { try run(arguments) }) }
        }
    }

    /// Runs the script and returns its stdout, trimmed; throws with its stderr when it fails.
    static func run(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // stderr is read beside stdout, so a chatty failure cannot fill its pipe and stall the script.
        let errText = Collected()
        let errHandle = err.fileHandleForReading
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) {
            let text = String(decoding: errHandle.readDataToEndOfFile(), as: UTF8.self)
            errText.text.withLock { $0 = text }
        }
        let outText = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reading.wait()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(arguments: arguments, status: p.terminationStatus, output: outText + errText.text.withLock { $0 })
        }
        return outText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What the stderr reader hands back across threads.
    private final class Collected: Sendable {
        let text = Mutex("")
    }
}
