import Foundation

/// The project's executables as the build left them (`niihub`, `niisim`), run as child processes.
public enum BuiltExecutable {
    final class Marker {}

    /// `name` beside the test bundle (the build's products folder), else under `.build/debug`.
    public static func url(_ name: String) -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Bundle(for: Marker.self).bundleURL.deletingLastPathComponent(),
            Corpus.packageRoot.appendingPathComponent(".build/debug"),
        ].compactMap { $0 }
        return candidates.map { $0.appendingPathComponent(name) }.first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        } ?? candidates.last!.appendingPathComponent(name)
    }

    /// Runs `executable` with `args` to its end; its status, stdout and stderr.
    public static func run(_ executable: URL, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
