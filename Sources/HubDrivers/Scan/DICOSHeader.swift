import Foundation

/// What the hub reads of a DICOS file (DICOM Part 10 for security screening): the file meta group
/// and enough of the dataset to say what the object is and, for a threat detection report, its verdict.
///
/// Pure and bounded: it walks at most `maxElements` elements of a byte array and never reads pixel
/// data. Explicit VR little endian is read throughout (the meta group always is); an implicit VR
/// little endian dataset is read too, for the few string tags that matter.
public struct DICOSHeader: Sendable, Equatable {
    /// The kind of object, from its SOP class.
    public enum ObjectKind: String, Sendable, Equatable {
        case ct = "CT"
        case dx = "DX"
        case threatDetectionReport = "TDR"
        case other
    }

    /// A threat detection report's overall decision (Alarm Decision, 4010,1031).
    public enum AlarmDecision: String, Sendable, Equatable {
        case alarm, clear, unknown
    }

    /// The file meta group (0002,0002), (0002,0003), (0002,0010), (0002,0012).
    public var mediaStorageSOPClassUID: String?
    public var mediaStorageSOPInstanceUID: String?
    public var transferSyntaxUID: String?
    public var implementationClassUID: String?
    /// (0008,0016) from the dataset, else the meta group's.
    public var sopClassUID: String?
    public var sopInstanceUID: String?
    public var modality: String?
    /// (4010,1031) in a threat detection report.
    public var alarmDecision: AlarmDecision?
    /// (4010,1027): `MACHINE` (automated) or `OPERATOR`.
    public var tdrType: String?
    /// Items in the potential threat object sequence (4010,1010).
    public var threatObjectCount: Int?

    /// CT, DX or threat detection report, by SOP class.
    public var kind: ObjectKind {
        switch sopClassUID ?? mediaStorageSOPClassUID {
        case Self.ctStorage?: .ct
        case Self.dxForPresentation?, Self.dxForProcessing?: .dx
        case Self.tdrStorage?: .threatDetectionReport
        default: .other
        }
    }

    /// SOP classes of DICOS (DICOM PS3.4 storage classes for security screening) and the transfer
    /// syntaxes this reader walks.
    public static let ctStorage = "1.2.840.10008.5.1.4.1.1.501.1"
    public static let dxForPresentation = "1.2.840.10008.5.1.4.1.1.501.2.1"
    public static let dxForProcessing = "1.2.840.10008.5.1.4.1.1.501.2.2"
    public static let tdrStorage = "1.2.840.10008.5.1.4.1.1.501.3"
    public static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    public static let implicitVRLittleEndian = "1.2.840.10008.1.2"

    /// Elements walked at most, so a crafted file cannot keep the reader busy.
    public static let maxElements = 100_000

    /// Why bytes are not a DICOS file this reader understands.
    public enum Problem: Error, Equatable, Sendable {
        /// No `DICM` at byte 128.
        case notPart10
        /// The meta group or dataset ends inside an element, or an element's length is impossible.
        case truncated(offset: Int)
        /// Big endian or another encoding this reader does not walk.
        case unsupportedTransferSyntax(String)
    }

    /// True when `bytes` start like a DICOM Part 10 file.
    public static func isPart10(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 132 && bytes[128] == 0x44 && bytes[129] == 0x49 && bytes[130] == 0x43 && bytes[131] == 0x4D
    }

    /// Reads the header of a DICOS (DICOM Part 10) file.
    public static func read(_ bytes: [UInt8]) -> Result<DICOSHeader, Problem> {
        guard isPart10(bytes) else { return .failure(.notPart10) }
        var h = DICOSHeader()
        var r = DICOMElementReader(bytes: bytes, offset: 132, explicit: true)
        // The meta group: explicit VR little endian whatever the dataset's transfer syntax.
        while r.offset < bytes.count, r.peekGroup() == 0x0002 {
            guard let e = r.next() else { return .failure(.truncated(offset: r.offset)) }
            switch e.element {
            case 0x0002: h.mediaStorageSOPClassUID = e.text
            case 0x0003: h.mediaStorageSOPInstanceUID = e.text
            case 0x0010: h.transferSyntaxUID = e.text
            case 0x0012: h.implementationClassUID = e.text
            default: break
            }
        }
        switch h.transferSyntaxUID ?? explicitVRLittleEndian {
        case explicitVRLittleEndian: r.explicit = true
        case implicitVRLittleEndian: r.explicit = false
        case let other:
            // Compressed pixel data (JPEG, RLE) still uses explicit VR little endian for the dataset.
            if other.hasPrefix("1.2.840.10008.1.2.4.") || other == "1.2.840.10008.1.2.5" {
                r.explicit = true
            } else {
                return .failure(.unsupportedTransferSyntax(other))
            }
        }
        var count = 0
        while r.offset < bytes.count, count < maxElements {
            count += 1
            guard let e = r.next() else { return .failure(.truncated(offset: r.offset)) }
            switch (e.group, e.element) {
            case (0x0008, 0x0016): h.sopClassUID = e.text
            case (0x0008, 0x0018): h.sopInstanceUID = e.text
            case (0x0008, 0x0060): h.modality = e.text
            case (0x4010, 0x1027): h.tdrType = e.text
            case (0x4010, 0x1031):
                switch e.text?.uppercased() {
                case "ALARM"?: h.alarmDecision = .alarm
                case "NO_ALARM"?, "CLEAR"?, "NO ALARM"?: h.alarmDecision = .clear
                default: h.alarmDecision = .unknown
                }
            case (0x4010, 0x1010): h.threatObjectCount = e.items
            case (0x7FE0, 0x0010): return .success(h)  // pixel data: nothing after it is needed
            default: break
            }
        }
        return .success(h)
    }
}

/// Walks DICOM data elements in little endian, explicit or implicit VR, skipping sequences whole.
struct DICOMElementReader {
    struct Element {
        var group: UInt16
        var element: UInt16
        var text: String?
        /// For a sequence, how many items it holds.
        var items: Int?
    }

    let bytes: [UInt8]
    var offset: Int
    var explicit: Bool

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

    func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    func u32(_ at: Int) -> UInt32? {
        guard let lo = u16(at), let hi = u16(at + 2) else { return nil }
        return UInt32(lo) | UInt32(hi) << 16
    }

    func peekGroup() -> UInt16? { u16(offset) }

    /// The next element, or nil when it runs past the end.
    mutating func next() -> Element? {
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
        var e = Element(group: group, element: element)
        if length == 0xFFFF_FFFF {
            // Undefined length: a sequence (or encapsulated data) closed by a delimiter.
            guard let (end, items) = skipUndefined(from: valueAt) else { return nil }
            e.items = items
            offset = end
            return e
        }
        let end = valueAt + Int(length)
        guard end <= bytes.count else { return nil }
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
        while at + 8 <= end, n < DICOSHeader.maxElements {
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
        while guardCount < DICOSHeader.maxElements {
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
        while n < DICOSHeader.maxElements {
            n += 1
            if inner.u16(inner.offset) == 0xFFFE, inner.u16(inner.offset + 2) == 0xE00D {
                return (inner.offset + 8, 0)
            }
            guard inner.next() != nil else { return nil }
        }
        return nil
    }
}
