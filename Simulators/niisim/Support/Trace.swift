import Foundation
import Synchronization

/// What a simulator meant to send, one JSON object per line (`--trace FILE`), so a test or a tester
/// can compare it with what the hub made of it.
final class Trace: Sendable {
    private let handle: Mutex<FileHandle?>

    init(path: String?) throws {
        guard let path else {
            handle = Mutex(nil)
            return
        }
        FileManager.default.createFile(atPath: path, contents: nil)
        handle = Mutex(try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
    }

    /// Writes one line; `fields` is only built when a trace file was asked for (a fleet of
    /// thousands of units records every report, and building the line was most of its cost).
    func record(_ fields: @autoclosure () -> [String: Any]) {
        guard handle.withLock({ $0 != nil }) else { return }
        guard let data = try? JSONSerialization.data(withJSONObject: fields(), options: [.sortedKeys]) else { return }
        handle.withLock { $0?.write(data + Data([10])) }
    }

    func close() { handle.withLock { try? $0?.close() } }
}

/// Progress and summaries go to standard error, so `--stdout` output stays the device's bytes only.
func note(_ text: String) { FileHandle.standardError.write(Data("niisim: \(text)\n".utf8)) }
