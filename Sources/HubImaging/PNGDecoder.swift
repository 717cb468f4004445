import CLibPNG

/// PNG through libpng's simplified API (png_image). Its errors come back in `png_image.message`
/// with a zero return: libpng's setjmp/longjmp stays inside C, which Swift could not survive.
///
/// Grayscale only (1-, 2-, 4-, 8- and 16-bit). The header is read first and the size checked
/// against the cap before libpng is asked for the samples. Samples come back as stored: the
/// chunks that would make libpng convert them (gAMA, sRGB, iCCP) are dropped first.
public enum PNGDecoder {
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(ImageError) -> ScanImage {
        // libpng reads from the caller's memory until finish_read, so both calls stay in one closure.
        let result = (PNGColourChunks.stripped(bytes) ?? bytes).withUnsafeBytes { raw in read(raw, limits) }
        return try result.get()
    }

    private static func read(_ raw: UnsafeRawBufferPointer, _ limits: ImageLimits) -> Result<ScanImage, ImageError> {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
            return .failure(.library(format: .png, message: message(image)))
        }
        defer { png_image_free(&image) }
        let format = image.format
        guard format & png_uint_32(PNG_FORMAT_FLAG_COLOR) == 0 else { return .failure(.unsupported("colour PNG (grayscale only)")) }
        guard format & png_uint_32(PNG_FORMAT_FLAG_ALPHA) == 0 else { return .failure(.unsupported("PNG with an alpha channel")) }
        guard format & png_uint_32(PNG_FORMAT_FLAG_COLORMAP) == 0 else { return .failure(.unsupported("palette PNG")) }
        let wide = format & png_uint_32(PNG_FORMAT_FLAG_LINEAR) != 0
        let width = Int(image.width), height = Int(image.height)
        let pixels: Int
        do throws(ImageError) { pixels = try limits.check(width: width, height: height) } catch { return .failure(error) }
        if wide {
            image.format = png_uint_32(PNG_FORMAT_FLAG_LINEAR)  // PNG_FORMAT_LINEAR_Y
            var samples = [UInt16](repeating: 0, count: pixels)
            let ok = samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { return .failure(.library(format: .png, message: message(image))) }
            return .success(ScanImage(width: width, height: height, bitsPerSample: 16, samples: samples))
        }
        image.format = 0  // PNG_FORMAT_GRAY
        var bytes = [UInt8](repeating: 0, count: pixels)
        let ok = bytes.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else { return .failure(.library(format: .png, message: message(image))) }
        return .success(ScanImage(width: width, height: height, bitsPerSample: 8, samples: bytes.map(UInt16.init)))
    }

    /// libpng's message, a NUL-terminated char[64] inside png_image.
    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
