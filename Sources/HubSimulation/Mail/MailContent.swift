import Foundation

/// What a scenario checks of a message (RFC 5322 with MIME): the subject with its encoded words
/// (RFC 2047) decoded, the `Content-Language` (RFC 3282) and the first plain-text part, its
/// transfer encoding undone. Pure.
public struct MailContent: Sendable, Equatable {
    public var subject: String
    public var language: String?
    public var text: String

    /// A message's lines (CRLF taken off) as they came after DATA.
    public init(lines: [String]) {
        let (headers, body) = Self.split(lines)
        subject = Self.decodeWords(headers["subject"] ?? "")
        language = headers["content-language"]?.trimmingCharacters(in: .whitespaces)
        text = Self.plainText(headers, body) ?? ""
    }

    /// Header fields (names lower-cased, folded lines unfolded, the first of a name kept) and the body.
    static func split(_ lines: [String]) -> (headers: [String: String], body: [String]) {
        var headers: [String: String] = [:]
        var last: String?
        for (i, line) in lines.enumerated() {
            if line.isEmpty { return (headers, Array(lines[(i + 1)...])) }
            if line.first == " " || line.first == "\t", let name = last {
                headers[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            last = headers[name] == nil ? name : nil
            if headers[name] == nil { headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return (headers, [])
    }

    /// The first `text/plain` part: the body itself, or inside a multipart (searched depth first).
    static func plainText(_ headers: [String: String], _ body: [String]) -> String? {
        let type = headers["content-type"] ?? "text/plain"
        if type.lowercased().hasPrefix("multipart/") {
            guard let boundary = parameter("boundary", of: type) else { return nil }
            for part in parts(body, boundary: boundary) {
                let (h, b) = split(part)
                if let text = plainText(h, b) { return text }
            }
            return nil
        }
        guard type.lowercased().hasPrefix("text/plain") else { return nil }
        let encoding = (headers["content-transfer-encoding"] ?? "7bit").lowercased()
        if encoding == "base64" {
            guard let data = Data(base64Encoded: body.joined()) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        return body.joined(separator: "\n")
    }

    /// The lines between `--boundary` delimiters, up to `--boundary--`.
    static func parts(_ body: [String], boundary: String) -> [[String]] {
        var out: [[String]] = []
        var current: [String]?
        for line in body {
            if line == "--\(boundary)--" { break }
            if line == "--\(boundary)" {
                if let c = current { out.append(c) }
                current = []
            } else {
                current?.append(line)
            }
        }
        if let c = current { out.append(c) }
        return out
    }

    /// A header parameter's value (`boundary="x"` → `x`).
    static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            return kv[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// Text with `=?charset?B|Q?…?=` words decoded (UTF-8 and ASCII charsets); the space between two
    /// encoded words goes, as RFC 2047 §6.2 says.
    public static func decodeWords(_ text: String) -> String {
        var out = ""
        var pendingSpace = ""
        var afterWord = false
        for token in text.split(separator: " ", omittingEmptySubsequences: false) {
            if let decoded = word(String(token)) {
                out += (afterWord ? "" : pendingSpace) + decoded
                afterWord = true
            } else {
                out += pendingSpace + token
                afterWord = false
            }
            pendingSpace = " "
        }
        return out
    }

    private static func word(_ token: String) -> String? {
        guard token.hasPrefix("=?"), token.hasSuffix("?="), token.count > 4 else { return nil }
        let inner = token.dropFirst(2).dropLast(2).split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard inner.count == 3, ["utf-8", "us-ascii"].contains(inner[0].lowercased()) else { return nil }
        switch inner[1].uppercased() {
        case "B":
            return Data(base64Encoded: String(inner[2])).map { String(decoding: $0, as: UTF8.self) }
        case "Q":
            var bytes: [UInt8] = []
            var i = inner[2].startIndex
            let q = inner[2]
            while i < q.endIndex {
                let c = q[i]
                if c == "=", let end = q.index(i, offsetBy: 3, limitedBy: q.endIndex), let b = UInt8(q[q.index(after: i)..<end], radix: 16) {
                    bytes.append(b)
                    i = end
                    continue
                }
                bytes += c == "_" ? [0x20] : Array(String(c).utf8)
                i = q.index(after: i)
            }
            return String(decoding: bytes, as: UTF8.self)
        default:
            return nil
        }
    }
}
