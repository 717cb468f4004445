import Foundation

/// Runs a command found on `PATH` and returns its exit status and its stdout and stderr together:
/// how tests call independent checkers (Python's jsonschema, xmllint).
public func runTool(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, output)
}

/// `runTool` off the cooperative pool: a hub under test in the same process answers on it.
public func runToolOffPool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result(catching: { try runTool(arguments) })) }
    }
}
