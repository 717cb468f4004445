import Foundation
import HubTesting

/// One of `Tests/Browser/`'s walks in its own process, its output in a file (nobody reads while the
/// browser runs, and a full pipe would stall it).
struct BrowserWalk {
    let process: Process
    let log: String
    /// Held so that the folder (and the log in it) lives as long as the walk.
    let folder: TemporaryDirectory

    /// Starts `python3 Tests/Browser/<script> <arguments>`; the output goes to `log` in `folder`.
    static func start(_ script: String, _ arguments: [String], folder: TemporaryDirectory) throws -> BrowserWalk {
        let log = folder.path("browser.log")
        FileManager.default.createFile(atPath: log, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Corpus.repositoryFile("Tests/Browser/\(script)").path] + arguments
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = output
        p.standardError = output
        try p.run()
        return BrowserWalk(process: p, log: log, folder: folder)
    }

    /// What the walk printed so far.
    var output: String { String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self) }

    /// Waits for the walk's end (at most `seconds`): whether it passed, and what it printed.
    func finish(seconds: Int = 240) async -> (passed: Bool, report: String) {
        _ = await eventually(timeout: .seconds(seconds), every: .milliseconds(200)) { !process.isRunning }
        if process.isRunning { process.terminate() }
        return (!process.isRunning && process.terminationStatus == 0, output)
    }
}
