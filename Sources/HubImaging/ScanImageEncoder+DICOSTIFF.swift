import CLibTIFF
import Foundation

extension ScanImageEncoder {
    /// A DICOS-style DICOM Part 10 file: 16-bit MONOCHROME2 samples, uncompressed (explicit VR
    /// little endian), with Pixel Spacing and Rescale Slope/Intercept when the image has them;
    /// SOP class DICOS Digital X-Ray Image Storage - For Presentation.
    public static func dicos(_ image: ScanImage) -> [UInt8] {
        let sopClass = "1.2.840.10008.5.1.4.1.1.501.2.1"
        let instance = "2.25.\(UInt64.random(in: 1...UInt64.max))"
        var meta = DICOMWriter()
        meta.element(0x0002, 0x0001, "OB", [0, 1])
        meta.text(0x0002, 0x0002, "UI", sopClass)
        meta.text(0x0002, 0x0003, "UI", instance)
        meta.text(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1")
        var head = DICOMWriter()
        head.element(0x0002, 0x0000, "UL", DICOMWriter.le32(UInt32(meta.bytes.count)))
        var data = DICOMWriter()
        data.text(0x0008, 0x0016, "UI", sopClass)
        data.text(0x0008, 0x0018, "UI", instance)
        data.text(0x0008, 0x0060, "CS", "DX")
        data.element(0x0028, 0x0002, "US", DICOMWriter.le16(1))
        data.text(0x0028, 0x0004, "CS", "MONOCHROME2")
        data.element(0x0028, 0x0010, "US", DICOMWriter.le16(UInt16(image.height)))
        data.element(0x0028, 0x0011, "US", DICOMWriter.le16(UInt16(image.width)))
        if let s = image.pixelSpacing { data.text(0x0028, 0x0030, "DS", "\(s.rowMillimetres)\\\(s.columnMillimetres)") }
        data.element(0x0028, 0x0100, "US", DICOMWriter.le16(16))
        data.element(0x0028, 0x0101, "US", DICOMWriter.le16(16))
        data.element(0x0028, 0x0102, "US", DICOMWriter.le16(15))
        data.element(0x0028, 0x0103, "US", DICOMWriter.le16(0))
        if let r = image.rescale {
            data.text(0x0028, 0x1052, "DS", "\(r.intercept)")
            data.text(0x0028, 0x1053, "DS", "\(r.slope)")
        }
        var pixels = [UInt8]()
        pixels.reserveCapacity(image.samples.count * 2)
        for v in image.samples { pixels += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        data.element(0x7FE0, 0x0010, "OW", pixels)
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + head.bytes + meta.bytes + data.bytes
    }

    /// An uncompressed grayscale TIFF (MinIsBlack, one strip per 64 rows) written by libtiff, with the
    /// pixel spacing as X/Y resolution in pixels per centimetre when the image has one.
    public static func tiff(_ image: ScanImage) throws(ImageError) -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("niihub-\(UUID().uuidString).tiff").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let tif = TIFFOpen(path, "w") else { throw .library(format: .tiff, message: "could not open a file to write") }
        let bits = image.bitsPerSample > 8 ? 16 : 8
        func set(_ tag: Int32, _ value: any CVarArg) { _ = withVaList([value]) { TIFFVSetField(tif, UInt32(tag), $0) } }
        set(TIFFTAG_IMAGEWIDTH, UInt32(image.width))
        set(TIFFTAG_IMAGELENGTH, UInt32(image.height))
        set(TIFFTAG_BITSPERSAMPLE, UInt32(bits))
        set(TIFFTAG_SAMPLESPERPIXEL, UInt32(1))
        set(TIFFTAG_COMPRESSION, UInt32(COMPRESSION_NONE))
        set(TIFFTAG_PHOTOMETRIC, UInt32(PHOTOMETRIC_MINISBLACK))
        set(TIFFTAG_PLANARCONFIG, UInt32(PLANARCONFIG_CONTIG))
        set(TIFFTAG_ROWSPERSTRIP, UInt32(64))
        if let s = image.pixelSpacing {
            set(TIFFTAG_RESOLUTIONUNIT, UInt32(RESUNIT_CENTIMETER))
            set(TIFFTAG_XRESOLUTION, 10.0 / s.columnMillimetres)
            set(TIFFTAG_YRESOLUTION, 10.0 / s.rowMillimetres)
        }
        var ok = true
        for row in 0..<image.height where ok {
            var line: [UInt8] = []
            line.reserveCapacity(image.width * bits / 8)
            for v in image.samples[(row * image.width)..<((row + 1) * image.width)] {
                // libtiff takes 16-bit samples in the host's byte order.
                if bits == 16 { withUnsafeBytes(of: v) { line += $0 } } else { line.append(UInt8(truncatingIfNeeded: v)) }
            }
            ok = line.withUnsafeMutableBytes { TIFFWriteScanline(tif, $0.baseAddress, UInt32(row), 0) } == 1
        }
        TIFFClose(tif)
        guard ok, let data = FileManager.default.contents(atPath: path) else { throw .library(format: .tiff, message: "a row could not be written") }
        return [UInt8](data)
    }
}

/// DICOM elements in explicit VR little endian, appended in order.
struct DICOMWriter {
    var bytes: [UInt8] = []

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    /// A text value, padded to an even length (UIDs with NUL, other text with a space).
    mutating func text(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: String) {
        var v = Array(value.utf8)
        if v.count % 2 == 1 { v.append(vr == "UI" ? 0 : 0x20) }
        self.element(group, element, vr, v)
    }

    mutating func element(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8]) {
        var v = value
        if v.count % 2 == 1 { v.append(0) }
        bytes += Self.le16(group) + Self.le16(element) + Array(vr.utf8)
        if ["OB", "OW", "SQ", "UN", "UT"].contains(vr) {
            bytes += [0, 0] + Self.le32(UInt32(v.count))
        } else {
            bytes += Self.le16(UInt16(v.count))
        }
        bytes += v
    }
}
