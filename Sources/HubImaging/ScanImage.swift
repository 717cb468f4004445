/// One decoded scanner image: grayscale samples, row-major from the top-left, with what the file
/// said about its geometry and calibration.
///
/// Samples are kept as the file stored them (8-bit values widened, 16-bit values exact) so a viewer
/// can window and level the real data rather than an 8-bit rendering.
public struct ScanImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 8 or 16: how many bits each sample held in the file.
    public var bitsPerSample: Int
    /// `width × height` samples, row by row.
    public var samples: [UInt16]
    /// Millimetres between pixel centres, when the file says (DICOM Pixel Spacing).
    public var pixelSpacing: PixelSpacing?
    /// Stored value to output units (DICOM Rescale Slope and Intercept), when the file says.
    public var rescale: Rescale?
    /// True when samples are two's-complement signed (DICOM Pixel Representation 1); the bit
    /// pattern is kept in `samples`.
    public var signedSamples: Bool

    public init(
        width: Int, height: Int, bitsPerSample: Int, samples: [UInt16],
        pixelSpacing: PixelSpacing? = nil, rescale: Rescale? = nil, signedSamples: Bool = false
    ) {
        self.width = width
        self.height = height
        self.bitsPerSample = bitsPerSample
        self.samples = samples
        self.pixelSpacing = pixelSpacing
        self.rescale = rescale
        self.signedSamples = signedSamples
    }

    /// The sample at column `x`, row `y` (0-based, from the top-left).
    public subscript(x: Int, y: Int) -> UInt16 { samples[y * width + x] }

    /// Width and height, for comparing two images.
    public var size: ImageSize { ImageSize(width: width, height: height) }
}

/// Width and height of an image, in pixels.
public struct ImageSize: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)×\(height)" }
}

/// Distance between pixel centres in millimetres: between rows, then between columns (DICOM order).
public struct PixelSpacing: Sendable, Equatable {
    public var rowMillimetres: Double
    public var columnMillimetres: Double
    public init(rowMillimetres: Double, columnMillimetres: Double) {
        self.rowMillimetres = rowMillimetres
        self.columnMillimetres = columnMillimetres
    }
}

/// Output value = stored value × slope + intercept.
public struct Rescale: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }
}

/// A dual-energy scan: the high- and low-energy images of one object, the same size.
public struct DualEnergyImage: Sendable, Equatable {
    public let high: ScanImage
    public let low: ScanImage

    /// Pairs two images; refused when their sizes differ, since material colouring compares them
    /// pixel by pixel.
    public init(high: ScanImage, low: ScanImage) throws(ImageError) {
        guard high.size == low.size else { throw .sizeMismatch(high: high.size, low: low.size) }
        self.high = high
        self.low = low
    }
}

extension ScanImage {
    /// What a viewer needs of an image besides its samples: size, depth and calibration.
    public struct Geometry: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var bitsPerSample: Int
        public var pixelSpacing: PixelSpacing?
        public var rescale: Rescale?
        public var signedSamples: Bool
    }

    public var geometry: Geometry {
        Geometry(
            width: width, height: height, bitsPerSample: bitsPerSample, pixelSpacing: pixelSpacing, rescale: rescale,
            signedSamples: signedSamples)
    }
}
