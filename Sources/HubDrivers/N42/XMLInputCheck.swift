import Foundation

/// What must hold of bytes before the XML readers (N42, WCO declarations) parse them. It was written
/// for FoundationXML, whose libxml2 callbacks on Linux force-unwrapped names as UTF-8 and read a
/// processing instruction's NULL data as a C string, stopping the whole process (fuzz findings kept
/// by `XMLInputCheckTests`). The readers now call libxml2 directly (`XMLSAXParser`), which does
/// neither; the check stays as the input policy: UTF-8 or a declared single-byte Latin encoding.
public enum XMLInputCheck {
    /// Why `data` cannot be handed to `XMLParser`, or nil when it can: the bytes are UTF-8 and any
    /// declared encoding is UTF-8, or the declaration names a single-byte Latin encoding (every byte
    /// is then a character, and libxml2 transcodes names to UTF-8 itself).
    public static func problem(_ data: Data) -> String? {
        if hasEmptyProcessingInstruction(data) { return "a processing instruction without data" }
        let declared = declaredEncoding(data)
        switch declared {
        case .malformed:
            return "the XML declaration is not well-formed"
        case .named(let name) where singleByte(name):
            return nil
        case .named(let name) where name != "utf-8" && name != "utf8":
            return "encoding '\(name)' is not supported (UTF-8, ISO-8859-* or windows-125*)"
        default:
            return String(validating: data, as: UTF8.self) == nil ? "not UTF-8 text" : nil
        }
    }

    enum Declared: Equatable {
        case none
        case named(String)
        case malformed
    }

    /// The encoding an XML declaration at the start names (lower-cased).
    static func declaredEncoding(_ data: Data) -> Declared {
        var bytes = data.prefix(256)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard bytes.starts(with: Array("<?xml".utf8)) else { return .none }
        guard let end = bytes.firstIndex(of: UInt8(ascii: ">")) else { return .malformed }
        let declaration = String(decoding: bytes[..<end], as: UTF8.self)
        guard declaration.contains("encoding") else { return .none }
        let pattern = #"^<\?xml\s+version\s*=\s*["'][0-9.]+["']\s+encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']"#
        guard let match = declaration.range(of: pattern, options: .regularExpression) else { return .malformed }
        let head = declaration[match]
        let quote = head.last!
        let value = head.dropLast().split(separator: quote).last.map(String.init) ?? ""
        return .named(value.lowercased())
    }

    /// Whether a `<?target?>` with nothing after its target occurs anywhere.
    static func hasEmptyProcessingInstruction(_ data: Data) -> Bool {
        let b = [UInt8](data)
        var i = 0
        while i + 1 < b.count {
            defer { i += 1 }
            guard b[i] == UInt8(ascii: "<"), b[i + 1] == UInt8(ascii: "?") else { continue }
            var j = i + 2
            while j < b.count, !isSpace(b[j]), b[j] != UInt8(ascii: "?"), b[j] != UInt8(ascii: ">") { j += 1 }
            while j < b.count, isSpace(b[j]) { j += 1 }
            if j + 1 < b.count, b[j] == UInt8(ascii: "?"), b[j + 1] == UInt8(ascii: ">") { return true }
        }
        return false
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    private static func singleByte(_ name: String) -> Bool {
        name.hasPrefix("iso-8859-") || name.hasPrefix("windows-125") || name == "latin1" || name == "us-ascii"
            || name == "ascii"
    }
}
