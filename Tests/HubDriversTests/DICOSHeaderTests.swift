import Foundation
import HubDrivers
import Testing

/// Small DICOS files written here, element by element (explicit VR little endian unless asked).
struct DICOSWriter {
    var bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
    var explicit = true

    private mutating func u16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((v >> UInt32(s)) & 0xFF)) } }

    mutating func element(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8], forceExplicit: Bool = false) {
        var value = value
        if value.count % 2 == 1 { value.append(vr == "UI" ? 0 : 32) }
        u16(group)
        u16(element)
        if explicit || forceExplicit {
            bytes += Array(vr.utf8)
            if ["OB", "OW", "SQ", "UN", "UT"].contains(vr) {
                u16(0)
                u32(UInt32(value.count))
            } else {
                u16(UInt16(value.count))
            }
        } else {
            u32(UInt32(value.count))
        }
        bytes += value
    }

    mutating func text(_ group: UInt16, _ element: UInt16, _ vr: String, _ s: String, meta: Bool = false) {
        self.element(group, element, vr, Array(s.utf8), forceExplicit: meta)
    }

    /// A sequence of undefined length with `items` empty items of undefined length.
    mutating func undefinedSequence(_ group: UInt16, _ element: UInt16, items: Int) {
        u16(group)
        u16(element)
        bytes += Array("SQ".utf8)
        u16(0)
        u32(0xFFFF_FFFF)
        for _ in 0..<items {
            u16(0xFFFE); u16(0xE000); u32(0xFFFF_FFFF)
            text(0x4010, 0x1012, "CS", "EXPLOSIVE")
            u16(0xFFFE); u16(0xE00D); u32(0)
        }
        u16(0xFFFE); u16(0xE0DD); u32(0)
    }

    static func file(sopClass: String, transferSyntax: String = DICOSHeader.explicitVRLittleEndian,
                     body: (inout DICOSWriter) -> Void = { _ in }) -> [UInt8] {
        var w = DICOSWriter()
        w.element(0x0002, 0x0001, "OB", [0, 1], forceExplicit: true)
        w.text(0x0002, 0x0002, "UI", sopClass, meta: true)
        w.text(0x0002, 0x0003, "UI", "1.2.3.4.5.6", meta: true)
        w.text(0x0002, 0x0010, "UI", transferSyntax, meta: true)
        w.text(0x0002, 0x0012, "UI", "1.2.3.99", meta: true)
        w.explicit = transferSyntax != DICOSHeader.implicitVRLittleEndian
        w.text(0x0008, 0x0016, "UI", sopClass)
        w.text(0x0008, 0x0018, "UI", "1.2.3.4.5.6")
        body(&w)
        return w.bytes
    }
}

struct DICOSHeaderTests {
    @Test func aCTImage() throws {
        let bytes = DICOSWriter.file(sopClass: DICOSHeader.ctStorage) { w in
            w.text(0x0008, 0x0060, "CS", "CT")
            w.element(0x7FE0, 0x0010, "OW", [UInt8](repeating: 7, count: 64))
        }
        let h = try DICOSHeader.read(bytes).get()
        #expect(h.kind == .ct)
        #expect(h.mediaStorageSOPClassUID == DICOSHeader.ctStorage && h.sopClassUID == DICOSHeader.ctStorage)
        #expect(h.mediaStorageSOPInstanceUID == "1.2.3.4.5.6")
        #expect(h.transferSyntaxUID == DICOSHeader.explicitVRLittleEndian)
        #expect(h.implementationClassUID == "1.2.3.99")
        #expect(h.modality == "CT")
        #expect(h.alarmDecision == nil)
    }

    @Test func aDXImageInImplicitVR() throws {
        let bytes = DICOSWriter.file(sopClass: DICOSHeader.dxForPresentation, transferSyntax: DICOSHeader.implicitVRLittleEndian) { w in
            w.text(0x0008, 0x0060, "CS", "DX")
        }
        let h = try DICOSHeader.read(bytes).get()
        #expect(h.kind == .dx && h.modality == "DX")
    }

    @Test func threatDetectionReports() throws {
        let alarm = DICOSWriter.file(sopClass: DICOSHeader.tdrStorage) { w in
            w.text(0x0008, 0x0060, "CS", "TDR")
            w.text(0x4010, 0x1027, "CS", "MACHINE")
            w.undefinedSequence(0x4010, 0x1010, items: 2)
            w.text(0x4010, 0x1031, "CS", "ALARM")
        }
        let h = try DICOSHeader.read(alarm).get()
        #expect(h.kind == .threatDetectionReport)
        #expect(h.alarmDecision == .alarm && h.tdrType == "MACHINE" && h.threatObjectCount == 2)
        let clear = DICOSWriter.file(sopClass: DICOSHeader.tdrStorage) { w in
            w.text(0x4010, 0x1031, "CS", "NO_ALARM")
        }
        #expect(try DICOSHeader.read(clear).get().alarmDecision == .clear)
    }

    @Test func whatIsNotDICOSOrIsCutShort() {
        #expect(DICOSHeader.read(Array("not a dicom file at all".utf8)) == .failure(.notPart10))
        let full = DICOSWriter.file(sopClass: DICOSHeader.ctStorage) { w in w.text(0x0008, 0x0060, "CS", "CT") }
        guard case .failure(.truncated) = DICOSHeader.read(Array(full.dropLast(3))) else {
            Issue.record("a cut element was not reported")
            return
        }
        let bigEndian = DICOSWriter.file(sopClass: DICOSHeader.ctStorage, transferSyntax: "1.2.840.10008.1.2.2")
        #expect(DICOSHeader.read(bigEndian) == .failure(.unsupportedTransferSyntax("1.2.840.10008.1.2.2")))
    }
}
