/// Why bytes were not decoded to an image. Every case names its reason, so it can be shown and counted.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No decoder recognises the first bytes.
    case unknownFormat
    /// The header promises more sample bytes than the file holds (a cut file, or a lying header).
    case truncated(neededBytes: Int, availableBytes: Int)
    /// Width × height is above the configured cap (checked before any sample buffer is allocated).
    case tooLarge(width: Int, height: Int, maxPixels: Int)
    /// A header field is missing or impossible.
    case malformed(String)
    /// A valid file this decoder does not read (colour, compressed DICOM, tiled TIFF…).
    case unsupported(String)
    /// libpng or libtiff refused the file; their message.
    case library(format: ImageFormat, message: String)
    /// A dual-energy pair whose images differ in size.
    case sizeMismatch(high: ImageSize, low: ImageSize)

    public var description: String {
        switch self {
        case .unknownFormat: "not a PGM, PNG, TIFF or DICOM image"
        case let .truncated(needed, available): "truncated: the header needs \(needed) bytes of samples, the file has \(available)"
        case let .tooLarge(w, h, cap): "too large: \(w)×\(h) pixels is above the cap of \(cap)"
        case let .malformed(why): "malformed: \(why)"
        case let .unsupported(what): "unsupported: \(what)"
        case let .library(format, message): "\(format.rawValue): \(message)"
        case let .sizeMismatch(high, low): "dual-energy images differ in size: high \(high), low \(low)"
        }
    }
}

/// The file formats HubImaging reads.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    case pgm, png, tiff, dicom
}

/// What a decoder may spend. The pixel cap bounds every allocation a decode makes (two bytes per
/// pixel for the samples, plus one row or one file-sized buffer inside libpng/libtiff).
public struct ImageLimits: Sendable, Equatable {
    /// Most pixels (width × height) one image may have. The default, 64 million, holds a
    /// 10,000 × 6,000 container scan (128 MB of 16-bit samples).
    public var maxPixels: Int
    public init(maxPixels: Int = 64_000_000) { self.maxPixels = maxPixels }
    public static let `default` = ImageLimits()

    /// Refuses a size above the cap or one whose product overflows; returns the pixel count.
    func check(width: Int, height: Int) throws(ImageError) -> Int {
        guard width > 0, height > 0 else { throw .malformed("image size \(width)×\(height)") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else { throw .tooLarge(width: width, height: height, maxPixels: maxPixels) }
        return pixels
    }
}
