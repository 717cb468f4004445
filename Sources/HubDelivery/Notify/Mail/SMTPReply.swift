/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text lines, a multi-line reply
/// (`250-…` lines then `250 …`) read as one.
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx and 3xx: the command was taken (or more is expected).
    public var isPositive: Bool { (200..<400).contains(code) }

    /// The EHLO keywords after the greeting line, upper-cased (`STARTTLS`, `AUTH PLAIN LOGIN`).
    public var extensions: [String] { lines.dropFirst().map { $0.uppercased() } }
}

/// Bytes from the server to replies, pure: lines end in CRLF (a bare LF is taken too), a line may
/// be at most `maxLine` bytes, and a reply's lines must all carry the same code.
public struct SMTPReplyParser: Sendable {
    /// A server that does not speak SMTP (or speaks it badly): the connection is dropped.
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    public static let maxLine = 4096
    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    public init() {}

    /// The replies `bytes` complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [SMTPReply] {
        var out: [SMTPReply] = []
        for b in bytes {
            if b != UInt8(ascii: "\n") {
                pending.append(b)
                guard pending.count <= Self.maxLine else { throw Malformed(description: "a reply line longer than \(Self.maxLine) bytes") }
                continue
            }
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            let line = pending
            pending = []
            if let reply = try take(line) { out.append(reply) }
        }
        return out
    }

    private mutating func take(_ line: [UInt8]) throws -> SMTPReply? {
        guard line.count >= 3, line.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else { throw Malformed(description: "not an SMTP reply line: \(String(decoding: line.prefix(80), as: UTF8.self))") }
        let n = Int(String(decoding: line.prefix(3), as: UTF8.self))!
        if let code, code != n { throw Malformed(description: "a multi-line reply changed its code from \(code) to \(n)") }
        code = n
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard line.count == 3 || line[3] == UInt8(ascii: " ") else { return nil }
        defer {
            lines = []
            code = nil
        }
        return SMTPReply(code: n, lines: lines)
    }
}
