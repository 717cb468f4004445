import Foundation
import HubAppTesting
import HubServer
import HubTesting
import Testing

/// Schemathesis (PyPI) generates requests for every operation of `/api/v1/openapi.json` and sends
/// them to a hub on loopback with the admin's token: none may get a 5xx.
@Suite(.timeLimit(.minutes(5)))
struct SchemathesisTests {
    @Test func noGeneratedRequestGetsAServerError() async throws {
        let h = try await HubHarness(label: "schemathesis")
        let token = try await h.token("admin")
        let dir = try TemporaryDirectory("schemathesis")
        let log = dir.path("st.log")
        FileManager.default.createFile(atPath: log, contents: nil)
        // A partner's package is a POSIX tar (application/x-tar), which it has no serializer for: sent as bytes.
        try dir.write("niihub_hooks.py", "import schemathesis\nschemathesis.serializer.alias(\"application/x-tar\", \"application/octet-stream\")\n")
        let st = Process()
        st.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // It keeps a cache in its working folder: not in the repository.
        st.currentDirectoryURL = dir.url
        st.environment = ProcessInfo.processInfo.environment.merging(
            ["SCHEMATHESIS_HOOKS": "niihub_hooks", "PYTHONPATH": dir.url.path]) { _, new in new }
        st.arguments = [
            "st", "run", "http://127.0.0.1:\(h.port)/api/v1/openapi.json", "--checks", "not_a_server_error",
            "--max-examples", "3", "--phases", "examples,fuzzing", "--workers", "1", "--no-color",
            "-H", "Authorization: Bearer \(token)",
            // Not plain HTTP, or ends the session it runs with.
            "--exclude-path", "/api/v1/live", "--exclude-path", "/api/v1/logout",
            // It revokes tokens it finds listed, its own too: every operation after it would only see 401.
            "--exclude-path", "/api/v1/tokens/{id}/revoke",
        ]
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        st.standardOutput = output
        st.standardError = output
        try st.run()
        defer { if st.isRunning { st.terminate() } }
        _ = await eventually(timeout: .seconds(240), every: .milliseconds(200)) { !st.isRunning }
        let report = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        #expect(!st.isRunning && st.terminationStatus == 0, "\(report)")
        // Logging in with generated names and passwords is refused, rightly; any other operation that
        // only ever got 401/403 ran without the credential.
        #expect(Self.operationsRefusedEveryTime(report).allSatisfy { $0 == "POST /api/v1/login" }, "every operation ran with the credential: \(report)")
        try await h.stop()
    }

    /// The operations schemathesis lists under "Authentication failed": those that only ever got 401/403.
    static func operationsRefusedEveryTime(_ report: String) -> [String] {
        guard let start = report.range(of: "Authentication failed") else { return [] }
        var found: [String] = []
        for line in report[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("💡") || t.hasPrefix("=") { break }
            if t.hasPrefix("- ") { found.append(String(t.dropFirst(2))) }
        }
        return found
    }
}
