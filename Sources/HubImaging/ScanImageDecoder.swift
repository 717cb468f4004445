/// Decodes scanner images of any format HubImaging reads, told apart by their first bytes.
///
///     let image = try ScanImageDecoder.decode(bytes, limits: ImageLimits(maxPixels: 30_000_000))
///     let pair = try ScanImageDecoder.decodeDualEnergy(high: highBytes, low: lowBytes)
public enum ScanImageDecoder {
    /// The format `bytes` start like, or nil.
    public static func format(of bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 2, bytes[0] == 0x50, bytes[1] == 0x35 || bytes[1] == 0x32 { return .pgm }  // P5, P2
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if DICOMImageDecoder.isPart10(bytes) { return .dicom }
        return nil
    }

    /// Decodes one image; every failure is an `ImageError` naming its reason.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(ImageError) -> ScanImage {
        switch format(of: bytes) {
        case .pgm?: try PGMDecoder.decode(bytes, limits: limits)
        case .png?: try PNGDecoder.decode(bytes, limits: limits)
        case .tiff?: try TIFFDecoder.decode(bytes, limits: limits)
        case .dicom?: try DICOMImageDecoder.decode(bytes, limits: limits)
        case nil: throw .unknownFormat
        }
    }

    /// Decodes a dual-energy pair given as two files (any formats), refused when sizes differ.
    public static func decodeDualEnergy(high: [UInt8], low: [UInt8], limits: ImageLimits = .default) throws(ImageError) -> DualEnergyImage {
        try DualEnergyImage(high: decode(high, limits: limits), low: decode(low, limits: limits))
    }
}
