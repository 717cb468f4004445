import Foundation
import HubModel

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
