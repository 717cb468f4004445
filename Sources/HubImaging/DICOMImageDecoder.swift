import Foundation
import HubModel

/// The pixels of a DICOS/DICOM Part 10 file with uncompressed pixel data, in explicit or implicit VR
/// little endian, walked with HubModel's `DICOMElementReader` (the walker `DICOSHeader` uses).
///
/// Reads Rows, Columns, Samples per Pixel, Bits Allocated/Stored, Pixel Representation, Pixel
/// Spacing, Rescale Intercept/Slope and the Pixel Data element; refuses compressed transfer syntaxes
/// by name. The pixel cap is checked before the samples are copied out.
public enum DICOMImageDecoder {
    public static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    public static let implicitVRLittleEndian = "1.2.840.10008.1.2"

    /// True when `bytes` start like a DICOM Part 10 file (`DICM` at byte 128).
    public static func isPart10(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 132 && bytes[128] == 0x44 && bytes[129] == 0x49 && bytes[130] == 0x43 && bytes[131] == 0x4D
    }

    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(ImageError) -> ScanImage {
        guard isPart10(bytes) else { throw .malformed("no DICM preamble") }
        var r = DICOMElementReader(bytes: bytes, offset: 132, explicit: true)
        var syntax = explicitVRLittleEndian
        // The meta group is explicit VR little endian whatever the dataset's transfer syntax.
        while r.offset < bytes.count, r.peekGroup() == 0x0002 {
            guard let e = r.next() else { throw .truncated(neededBytes: r.offset + 8, availableBytes: bytes.count) }
            if e.element == 0x0010, let text = e.text { syntax = text }
        }
        switch syntax {
        case explicitVRLittleEndian: r.explicit = true
        case implicitVRLittleEndian: r.explicit = false
        case "1.2.840.10008.1.2.2": throw .unsupported("DICOM explicit VR big endian")
        default: throw .unsupported("DICOM transfer syntax \(syntax) (compressed pixel data is not read)")
        }
        var f = Fields()
        var count = 0
        while r.offset < bytes.count, count < DICOMElementReader.maxElements {
            count += 1
            let start = r.offset
            guard let e = r.next() else { throw truncation(r, start, f, limits) }
            if e.group == 0x7FE0, e.element == 0x0010 { return try image(f, pixelData: e.value, bytes, limits) }
            guard e.group == 0x0028 else { continue }
            switch e.element {
            case 0x0002: f.samplesPerPixel = us(r, e)
            case 0x0010: f.rows = us(r, e)
            case 0x0011: f.columns = us(r, e)
            case 0x0100: f.bitsAllocated = us(r, e)
            case 0x0101: f.bitsStored = us(r, e)
            case 0x0103: f.signed = us(r, e) == 1
            case 0x0030: f.spacing = decimals(e.text)
            case 0x1052: f.intercept = decimals(e.text).first
            case 0x1053: f.slope = decimals(e.text).first
            default: break
            }
        }
        throw .malformed("DICOM file has no Pixel Data (7FE0,0010)")
    }

    /// What the image pixel module said before the pixel data.
    struct Fields {
        var rows: Int?
        var columns: Int?
        var samplesPerPixel: Int?
        var bitsAllocated: Int?
        var bitsStored: Int?
        var signed = false
        var spacing: [Double] = []
        var intercept: Double?
        var slope: Double?
    }

    private static func image(_ f: Fields, pixelData: Range<Int>, _ bytes: [UInt8], _ limits: ImageLimits) throws(ImageError) -> ScanImage {
        guard let rows = f.rows, let columns = f.columns else { throw .malformed("DICOM Rows or Columns missing") }
        guard (f.samplesPerPixel ?? 1) == 1 else { throw .unsupported("DICOM with \(f.samplesPerPixel ?? 0) samples per pixel") }
        let allocated = f.bitsAllocated ?? 16
        guard allocated == 8 || allocated == 16 else { throw .unsupported("DICOM Bits Allocated \(allocated) (8 or 16 only)") }
        let stored = f.bitsStored ?? allocated
        guard (1...allocated).contains(stored) else { throw .malformed("DICOM Bits Stored \(stored) with Bits Allocated \(allocated)") }
        let pixels = try limits.check(width: columns, height: rows)
        let needed = pixels * allocated / 8
        guard pixelData.count >= needed else { throw .truncated(neededBytes: needed, availableBytes: pixelData.count) }
        // Bits above Bits Stored are not part of the value (they may carry overlays).
        let mask = UInt16(truncatingIfNeeded: (1 << stored) - 1)
        var samples = [UInt16](repeating: 0, count: pixels)
        let at = pixelData.lowerBound
        for i in 0..<pixels {
            let raw = allocated == 8 ? UInt16(bytes[at + i]) : UInt16(bytes[at + 2 * i]) | UInt16(bytes[at + 2 * i + 1]) << 8
            samples[i] = raw & mask
        }
        let spacing = f.spacing.count == 2 ? PixelSpacing(rowMillimetres: f.spacing[0], columnMillimetres: f.spacing[1]) : nil
        let rescale = (f.slope != nil || f.intercept != nil) ? Rescale(slope: f.slope ?? 1, intercept: f.intercept ?? 0) : nil
        return ScanImage(
            width: columns, height: rows, bitsPerSample: allocated, samples: samples,
            pixelSpacing: spacing, rescale: rescale, signedSamples: f.signed
        )
    }

    /// The walker stopped inside an element: when it is the Pixel Data, say how many bytes were
    /// promised and how many are there (after checking the size against the cap).
    private static func truncation(_ r: DICOMElementReader, _ start: Int, _ f: Fields, _ limits: ImageLimits) -> ImageError {
        if r.u16(start) == 0x7FE0, r.u16(start + 2) == 0x0010 {
            if let rows = f.rows, let columns = f.columns {
                do throws(ImageError) { _ = try limits.check(width: columns, height: rows) } catch { return error }
            }
            let header = r.explicit ? 12 : 8
            let length = Int(r.u32(start + (r.explicit ? 8 : 4)) ?? 0)
            return .truncated(neededBytes: length, availableBytes: max(0, r.bytes.count - start - header))
        }
        return .truncated(neededBytes: start + 8, availableBytes: r.bytes.count)
    }

    /// An unsigned short (US) value.
    private static func us(_ r: DICOMElementReader, _ e: DICOMElementReader.Element) -> Int? {
        e.value.count >= 2 ? r.u16(e.value.lowerBound).map(Int.init) : nil
    }

    /// A decimal string (DS), possibly multi-valued with backslashes.
    private static func decimals(_ text: String?) -> [Double] {
        (text ?? "").split(separator: "\\").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }
}
