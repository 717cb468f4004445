import Foundation

/// One message the sink took: the envelope, the moment its DATA ended, and its content lines as sent
/// (dot-stuffing undone).
public struct ReceivedMail: Sendable {
    public var from: String
    public var to: [String]
    public var at: Date
    public var lines: [String]

    public init(from: String, to: [String], at: Date, lines: [String]) {
        self.from = from
        self.to = to
        self.at = at
        self.lines = lines
    }
}

/// The server side of one SMTP connection (RFC 5321) as a pure state machine: a command line (or,
/// after DATA, a content line) in, the reply and a finished message out. Only what a relay needs
/// to take mail: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. No STARTTLS and no AUTH: the sink
/// listens on loopback only, and the hub speaks plain SMTP only to a loopback relay it is told to.
/// niisim's mail sink runs one per connection.
public struct SMTPSinkSession: Sendable {
    /// What one line makes: the reply to write (CRLF-joined lines, without the last CRLF), the
    /// message a DATA section ended with, and whether to hang up.
    public struct Output: Sendable {
        public var reply: String?
        public var mail: (from: String, to: [String], lines: [String])?
        public var close = false
    }

    /// What the sink says when a client connects.
    public static let greeting = "220 niisim mail sink ESMTP"
    /// The longest message taken, bytes (a daily report with its PDF fits).
    public static let maxMessageBytes = 16 << 20

    private var from: String?
    private var to: [String] = []
    private var inData = false
    private var lines: [String] = []
    private var bytes = 0

    public init() {}

    /// One line as received, without its CRLF.
    public mutating func feed(_ line: String) -> Output {
        if inData { return content(line) }
        let upper = line.uppercased()
        let verb = upper.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        switch verb {
        case "EHLO":
            reset()
            return Output(reply: "250-niisim\r\n250-8BITMIME\r\n250 SIZE \(Self.maxMessageBytes)")
        case "HELO":
            reset()
            return Output(reply: "250 niisim")
        case "MAIL":
            guard upper.hasPrefix("MAIL FROM:"), let address = Self.address(line.dropFirst(10)) else {
                return Output(reply: "501 syntax: MAIL FROM:<address>")
            }
            reset()
            from = address
            return Output(reply: "250 sender ok")
        case "RCPT":
            guard from != nil else { return Output(reply: "503 MAIL FROM first") }
            guard upper.hasPrefix("RCPT TO:"), let address = Self.address(line.dropFirst(8)), !address.isEmpty else {
                return Output(reply: "501 syntax: RCPT TO:<address>")
            }
            to.append(address)
            return Output(reply: "250 recipient ok")
        case "DATA":
            guard !to.isEmpty else { return Output(reply: "503 RCPT TO first") }
            inData = true
            return Output(reply: "354 end with <CRLF>.<CRLF>")
        case "RSET":
            reset()
            return Output(reply: "250 reset")
        case "NOOP":
            return Output(reply: "250 ok")
        case "QUIT":
            return Output(reply: "221 bye", close: true)
        case "STARTTLS", "AUTH":
            return Output(reply: "502 not offered by this sink (plain SMTP on loopback)")
        default:
            return Output(reply: "500 unknown command")
        }
    }

    private mutating func content(_ line: String) -> Output {
        if line == "." {
            inData = false
            defer { reset() }
            guard bytes <= Self.maxMessageBytes else { return Output(reply: "552 message larger than \(Self.maxMessageBytes) bytes") }
            return Output(reply: "250 message taken", mail: (from ?? "", to, lines))
        }
        bytes += line.utf8.count + 2
        guard bytes <= Self.maxMessageBytes else {
            // Past the limit the rest of the section is read and dropped; the answer comes at its end.
            return Output()
        }
        // A line the client dot-stuffed (RFC 5321 §4.5.2) loses its first dot.
        lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
        return Output()
    }

    private mutating func reset() {
        from = nil
        to = []
        lines = []
        bytes = 0
    }

    /// The address inside `<…>` (parameters after it ignored); `<>` is the null sender.
    static func address(_ text: Substring) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("<"), let close = t.firstIndex(of: ">") else { return nil }
        return String(t[t.index(after: t.startIndex)..<close])
    }
}
