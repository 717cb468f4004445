import Foundation
import HubTesting

/// The built `niisim`, run as testers run it: its stdout and stderr go to files (so a chatty run
/// never blocks on a full pipe) and the hub under test keeps its threads while it runs.
struct SimulatorRun {
    let status: Int32
    let out: [UInt8]
    let err: String

    static var niisim: URL { CommandLineTests.niihub.deletingLastPathComponent().appendingPathComponent("niisim") }

    static func run(_ args: [String], in dir: TemporaryDirectory) async throws -> SimulatorRun {
        let p = Process()
        p.executableURL = niisim
        p.arguments = args
        let outPath = dir.path("niisim-\(UUID().uuidString).out"), errPath = outPath + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        _ = await eventually(timeout: .seconds(120), every: .milliseconds(50)) { !p.isRunning }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        return SimulatorRun(
            status: p.terminationStatus, out: Array(try Data(contentsOf: URL(fileURLWithPath: outPath))),
            err: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// JSON lines of a `--trace` file.
    static func trace(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// `niihub decode` of `bytes` written to a file: its events and its stderr summary.
    static func decode(_ protocolName: String, _ bytes: [UInt8], in dir: TemporaryDirectory) throws
        -> (events: [[String: Any]], err: String)
    {
        let path = dir.path("capture-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return try decode(protocolName, files: [path])
    }

    static func decode(_ protocolName: String, files: [String]) throws -> (events: [[String: Any]], err: String) {
        let r = try CommandLineTests.run(["decode", "--protocol", protocolName] + files)
        let events = r.out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return (events, r.err)
    }
}

/// `niisim` running beside the test, for a test that acts while it plays (kills a replica).
final class SimulatorProcess: Sendable {
    let process: Process
    let outPath: String

    init(_ args: [String], in dir: TemporaryDirectory) throws {
        let p = Process()
        p.executableURL = SimulatorRun.niisim
        p.arguments = args
        outPath = dir.path("niisim-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardOutput = out
        p.standardError = out
        try p.run()
        process = p
    }

    deinit { if process.isRunning { process.terminate() } }

    /// What it printed so far (stdout and stderr together).
    func output() -> String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }

    /// Its exit status, or nil when it is still running after `timeout` (then it is stopped).
    func wait(timeout: Duration) async -> Int32? {
        _ = await eventually(timeout: timeout, every: .milliseconds(100)) { !process.isRunning }
        guard !process.isRunning else {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }
}
