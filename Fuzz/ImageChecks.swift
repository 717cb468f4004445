import Foundation
import HubImaging

/// The scanner image decoders: any bytes give an image that keeps its own promises, or a named
/// refusal. The cap is small so a header claiming a huge image must be refused, not allocated.
enum ImageChecks {
    static let limits = ImageLimits(maxPixels: 1 << 20)

    static func decoder(_ format: ImageFormat) -> @Sendable ([UInt8]) -> Void {
        { data in
            let result: Result<ScanImage, ImageError>
            switch format {
            case .pgm: result = Result { () throws(ImageError) in try PGMDecoder.decode(data, limits: limits) }
            case .png: result = Result { () throws(ImageError) in try PNGDecoder.decode(data, limits: limits) }
            case .tiff: result = Result { () throws(ImageError) in try TIFFDecoder.decode(data, limits: limits) }
            case .dicom: result = Result { () throws(ImageError) in try DICOMImageDecoder.decode(data, limits: limits) }
            }
            switch result {
            case .success(let image):
                check(image.width > 0 && image.height > 0, "an empty image was accepted")
                check(image.width * image.height <= limits.maxPixels, "\(image.size) is above the cap")
                check(image.samples.count == image.width * image.height, "\(image.samples.count) samples for \(image.size)")
                check(image.bitsPerSample == 8 || image.bitsPerSample == 16, "\(image.bitsPerSample) bits per sample")
                if image.bitsPerSample == 8 { check(image.samples.allSatisfy { $0 <= 255 }, "an 8-bit sample above 255") }
            case .failure(let error):
                check(!error.description.isEmpty, "a refusal without a reason")
            }
        }
    }

    /// Seeds: the pattern of the tests in every format, 8- and 16-bit.
    @Sendable static func seeds(_ format: ImageFormat) -> @Sendable (URL) -> [[UInt8]] {
        { _ in
            [false, true].flatMap { wide -> [[UInt8]] in
                let samples = (0..<15).map { UInt16(wide ? 300 + 1000 * $0 : 17 * $0) }
                let image = ScanImage(width: 5, height: 3, bitsPerSample: wide ? 16 : 8, samples: samples)
                switch format {
                case .pgm: return [ScanImageEncoder.pgm(image)]
                case .png: return [(try? ScanImageEncoder.png(image)) ?? []]
                case .tiff: return [tiff(image)]
                case .dicom: return [dicom(image)]
                }
            }
        }
    }

    /// A little-endian baseline TIFF with one uncompressed strip.
    static func tiff(_ image: ScanImage) -> [UInt8] {
        let wide = image.bitsPerSample == 16
        let pixels = image.samples.flatMap { wide ? [UInt8($0 & 0xFF), UInt8($0 >> 8)] : [UInt8(truncatingIfNeeded: $0)] }
        let padded = pixels + (pixels.count % 2 == 1 ? [0] : [])
        var out: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(UInt32(8 + padded.count)) + padded
        let entries: [(UInt16, UInt16, UInt32)] = [
            (256, 4, UInt32(image.width)), (257, 4, UInt32(image.height)), (258, 3, UInt32(image.bitsPerSample)), (259, 3, 1),
            (262, 3, 1), (273, 4, 8), (277, 3, 1), (278, 4, UInt32(image.height)), (279, 4, UInt32(pixels.count)),
        ]
        out += le16(UInt16(entries.count))
        for (tag, type, value) in entries { out += le16(tag) + le16(type) + le32(1) + le32(value) }
        return out + le32(0)
    }

    /// A DICOM Part 10 file, explicit VR little endian, with the image pixel module and Pixel Data.
    static func dicom(_ image: ScanImage) -> [UInt8] {
        func el(_ g: UInt16, _ e: UInt16, _ vr: String, _ v: [UInt8]) -> [UInt8] {
            let long = vr == "OW" || vr == "OB"
            return le16(g) + le16(e) + Array(vr.utf8) + (long ? [0, 0] + le32(UInt32(v.count)) : le16(UInt16(v.count))) + v
        }
        let wide = image.bitsPerSample == 16
        let pixels = image.samples.flatMap { wide ? [UInt8($0 & 0xFF), UInt8($0 >> 8)] : [UInt8(truncatingIfNeeded: $0)] }
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
            + el(2, 0x10, "UI", Array("1.2.840.10008.1.2.1\0".utf8))
            + el(0x28, 0x10, "US", le16(UInt16(image.height))) + el(0x28, 0x11, "US", le16(UInt16(image.width)))
            + el(0x28, 0x30, "DS", Array("0.5\\0.5 ".utf8)) + el(0x28, 0x100, "US", le16(UInt16(image.bitsPerSample)))
            + el(0x28, 0x101, "US", le16(UInt16(image.bitsPerSample))) + el(0x28, 0x1053, "DS", Array("1 ".utf8))
            + el(0x7FE0, 0x10, wide ? "OW" : "OB", pixels + (pixels.count % 2 == 1 ? [0] : []))
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
}
