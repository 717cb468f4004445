import Foundation

/// Lines of a captured portal monitor feed as the monitor itself sends them: the recorder's
/// trailing timestamp column removed, CR LF restored.
public enum RapiscanFeed {
    public static func deviceLines(_ corpusFile: String) throws -> [[UInt8]] {
        let text = String(decoding: try Corpus.bytes(corpusFile), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if let last = fields.last, last.contains(":"), last.contains("-") { fields.removeLast() }
            return Array((fields.joined(separator: ",") + "\r\n").utf8)
        }
    }
}
