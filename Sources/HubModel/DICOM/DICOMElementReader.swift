import Foundation

/// Walks DICOM data elements in little endian, explicit or implicit VR, skipping sequences whole.
public struct DICOMElementReader: Sendable {
    /// One data element: its tag, its text when short and printable, and where its value lies.
    public struct Element: Sendable {
        public var group: UInt16
        public var element: UInt16
        /// The value as text, for textual VRs (all VRs when implicit) of at most 1 KiB.
        public var text: String?
        /// For a sequence, how many items it holds.
        public var items: Int?
        /// The value's bytes in the reader's array (empty for an undefined-length value).
        public var value: Range<Int> = 0..<0
        /// The explicit VR ("" when implicit).
        public var vr: String = ""
    }

    /// Elements walked at most in one sequence or item, so a crafted file cannot keep a reader busy.
    public static let maxElements = 100_000

    public let bytes: [UInt8]
    public var offset: Int
    public var explicit: Bool

    public init(bytes: [UInt8], offset: Int, explicit: Bool) {
        self.bytes = bytes
        self.offset = offset
        self.explicit = explicit
    }

    private static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
    private static let textVRs: Set<String> = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"]
    /// Longest value read as text; longer ones are skipped.
    private static let maxTextBytes = 1024
    /// Values are padded to even length with a space (text) or NUL (UIDs).
    private static let padding = CharacterSet(charactersIn: " \u{0}")
    /// Nested undefined-length sequences deeper than this are refused, so a crafted file cannot
    /// exhaust the stack.
    static let maxNesting = 16

    var nesting = 0

    public func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    public func u32(_ at: Int) -> UInt32? {
        guard let lo = u16(at), let hi = u16(at + 2) else { return nil }
        return UInt32(lo) | UInt32(hi) << 16
    }

    public func peekGroup() -> UInt16? { u16(offset) }

    /// The next element, or nil when it runs past the end.
    public mutating func next() -> Element? {
        guard let group = u16(offset), let element = u16(offset + 2) else { return nil }
        var vr = ""
        var length: UInt32
        var valueAt: Int
        if explicit {
            guard offset + 8 <= bytes.count else { return nil }
            vr = String(decoding: bytes[(offset + 4)..<(offset + 6)], as: UTF8.self)
            if Self.longVRs.contains(vr) {
                guard let l = u32(offset + 8) else { return nil }
                length = l
                valueAt = offset + 12
            } else {
                guard let l = u16(offset + 6) else { return nil }
                length = UInt32(l)
                valueAt = offset + 8
            }
        } else {
            guard let l = u32(offset + 4) else { return nil }
            length = l
            valueAt = offset + 8
        }
        var e = Element(group: group, element: element, vr: vr)
        if length == 0xFFFF_FFFF {
            // Undefined length: a sequence (or encapsulated data) closed by a delimiter.
            guard let (end, items) = skipUndefined(from: valueAt) else { return nil }
            e.items = items
            offset = end
            return e
        }
        let end = valueAt + Int(length)
        guard end <= bytes.count else { return nil }
        e.value = valueAt..<end
        if vr == "SQ" { e.items = countItems(valueAt, end) }
        let textual = explicit ? Self.textVRs.contains(vr) : true
        if textual, length <= UInt32(Self.maxTextBytes), group != 0x7FE0 {
            let raw = bytes[valueAt..<end]
            if raw.allSatisfy({ $0 == 0 || ($0 >= 32 && $0 < 127) }) {
                e.text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: Self.padding)
            }
        }
        offset = end
        return e
    }

    /// Items of a defined-length sequence value.
    private func countItems(_ from: Int, _ end: Int) -> Int {
        var at = from
        var n = 0
        while at + 8 <= end, n < Self.maxElements {
            guard u16(at) == 0xFFFE, u16(at + 2) == 0xE000, let l = u32(at + 4) else { break }
            n += 1
            if l == 0xFFFF_FFFF {
                guard let (next, _) = skipUndefinedItem(from: at + 8) else { break }
                at = next
            } else {
                at += 8 + Int(l)
            }
        }
        return n
    }

    /// Skips an undefined-length value to after its sequence delimiter; returns where it ends and
    /// how many items it held.
    private func skipUndefined(from: Int) -> (Int, Int)? {
        var at = from
        var items = 0
        var guardCount = 0
        while guardCount < Self.maxElements {
            guardCount += 1
            guard let g = u16(at), let el = u16(at + 2), let l = u32(at + 4) else { return nil }
            guard g == 0xFFFE else { return nil }
            if el == 0xE0DD { return (at + 8, items) }
            guard el == 0xE000 else { return nil }
            items += 1
            if l == 0xFFFF_FFFF {
                guard let (next, _) = skipUndefinedItem(from: at + 8) else { return nil }
                at = next
            } else {
                at += 8 + Int(l)
                guard at <= bytes.count else { return nil }
            }
        }
        return nil
    }

    /// Skips the elements of an undefined-length item up to and past its item delimiter.
    private func skipUndefinedItem(from: Int) -> (Int, Int)? {
        guard nesting < Self.maxNesting else { return nil }
        var inner = DICOMElementReader(bytes: bytes, offset: from, explicit: explicit)
        inner.nesting = nesting + 1
        var n = 0
        while n < Self.maxElements {
            n += 1
            if inner.u16(inner.offset) == 0xFFFE, inner.u16(inner.offset + 2) == 0xE00D {
                return (inner.offset + 8, 0)
            }
            guard inner.next() != nil else { return nil }
        }
        return nil
    }
}
