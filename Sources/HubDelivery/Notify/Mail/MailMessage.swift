import Foundation

/// A file sent with a message (a report's CSV or PDF).
public struct MailAttachment: Sendable, Equatable {
    public var filename: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(filename: String, contentType: String, bytes: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// One e-mail as RFC 5322 text: UTF-8 subject as encoded words (RFC 2047), UTF-8 bodies in base64,
/// a plain text part, optionally an HTML alternative and attachments (MIME, RFC 2045/2046). Pure:
/// the date, the message id and the boundary are given.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String?
    public var attachments: [MailAttachment]
    /// The language the message is written in (`vi`, `en`), said in `Content-Language` (RFC 3282).
    public var language: String?

    public init(
        from: String, to: [String], subject: String, text: String, html: String? = nil, attachments: [MailAttachment] = [],
        language: String? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.language = language
    }

    /// The message's lines joined by CRLF, ending in CRLF; no line longer than 78 characters.
    public func rendered(date: Date, messageID: String, boundary: String) -> String {
        var head = [
            "From: <\(from)>", "To: " + to.map { "<\($0)>" }.joined(separator: ", "), "Subject: " + Self.encodedWords(subject),
            "Date: " + Self.rfc5322Date(date), "Message-ID: <\(messageID)>", "MIME-Version: 1.0",
        ]
        // A language tag is letters, digits and hyphens; anything else would break the header.
        if let language, !language.isEmpty, language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            head.append("Content-Language: \(language)")
        }
        var body: [String]
        let textPart = Self.part("text/plain; charset=UTF-8", Array(text.utf8))
        let alternative: [String]
        if let html {
            alternative = Self.multipart("alternative", boundary + "-alt", [textPart, Self.part("text/html; charset=UTF-8", Array(html.utf8))])
        } else {
            alternative = textPart
        }
        if attachments.isEmpty {
            body = alternative
        } else {
            let files = attachments.map {
                Self.part(
                    "\($0.contentType); name=\"\(Self.safeName($0.filename))\"", $0.bytes,
                    extra: ["Content-Disposition: attachment; filename=\"\(Self.safeName($0.filename))\""])
            }
            body = Self.multipart("mixed", boundary, [alternative] + files)
        }
        head += body
        return head.joined(separator: "\r\n") + "\r\n"
    }

    /// Header lines of a part, a blank line, and its bytes in base64 lines of 76.
    static func part(_ type: String, _ bytes: [UInt8], extra: [String] = []) -> [String] {
        ["Content-Type: \(type)", "Content-Transfer-Encoding: base64"] + extra + [""] + base64Lines(bytes)
    }

    /// A multipart's header lines and its parts between boundaries.
    static func multipart(_ subtype: String, _ boundary: String, _ parts: [[String]]) -> [String] {
        var out = ["Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"", ""]
        for p in parts { out += ["--\(boundary)"] + p }
        return out + ["--\(boundary)--"]
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let text = Data(bytes).base64EncodedString()
        return stride(from: 0, to: text.count, by: 76).map {
            let start = text.index(text.startIndex, offsetBy: $0)
            return String(text[start..<(text.index(start, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex)])
        }
    }

    /// `=?UTF-8?B?…?=` words of at most 45 bytes each (whole characters), folded onto lines of
    /// their own; plain printable ASCII stays as it is.
    public static func encodedWords(_ text: String) -> String {
        let clean = text.map { $0 == "\r" || $0 == "\n" ? " " : $0 }
        if clean.allSatisfy({ $0.isASCII && ($0.asciiValue! >= 0x20 && $0.asciiValue! < 0x7F) }), clean.count <= 60,
            !String(clean).contains("=?")
        {
            return String(clean)
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        for ch in clean {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk.isEmpty ? "" : "=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.filter { !$0.isEmpty }.joined(separator: "\r\n ")
    }

    /// `Sun, 06 Dec 2026 14:05:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }

    /// A file name fit for a quoted header parameter: ASCII printable, no quotes or backslashes.
    static func safeName(_ name: String) -> String {
        String(name.map { $0.isASCII && $0.asciiValue! >= 0x20 && $0 != "\"" && $0 != "\\" && $0.asciiValue! < 0x7F ? $0 : "_" })
    }

    /// The DATA section: lines starting with `.` doubled (RFC 5321 §4.5.2), ended by `CRLF.CRLF`.
    public static func dotStuffed(_ rendered: String) -> String {
        let stuffed = rendered.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
        return stuffed + (stuffed.hasSuffix("\r\n") ? "" : "\r\n") + ".\r\n"
    }
}
