import Logging
import Synchronization

/// Everything the hub logs, kept in memory: each line with its level, message and metadata.
public final class MemoryLog: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public var text: String { lines.withLock { $0.joined(separator: "\n") } }
    public var count: Int { lines.withLock { $0.count } }

    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger at trace level that writes here.
    public func logger(label: String) -> Logger {
        Logger(label: label) { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: MemoryLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            let all = metadata.merging(extra ?? [:]) { $1 }
            sink.append("\(level) [\(source)] \(message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
        }
    }
}
