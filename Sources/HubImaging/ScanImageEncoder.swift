import CLibPNG

/// Writes images the decoders read back: binary PGM (pure Swift) and grayscale PNG (libpng's
/// simplified writer). For the simulators and the fuzzers' seeds.
public enum ScanImageEncoder {
    /// P5, one byte per sample for 8-bit images, two big-endian bytes for 16-bit ones.
    public static func pgm(_ image: ScanImage) -> [UInt8] {
        let wide = image.bitsPerSample > 8
        var out = Array("P5\n\(image.width) \(image.height)\n\(wide ? 65_535 : 255)\n".utf8)
        out.reserveCapacity(out.count + image.samples.count * (wide ? 2 : 1))
        for v in image.samples {
            if wide { out += [UInt8(v >> 8), UInt8(v & 0xFF)] } else { out.append(UInt8(truncatingIfNeeded: v)) }
        }
        return out
    }

    /// An 8- or 16-bit grayscale PNG, or libpng's reason for not writing one.
    public static func png(_ image: ScanImage) throws(ImageError) -> [UInt8] {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        let wide = image.bitsPerSample > 8
        png.format = wide ? png_uint_32(PNG_FORMAT_FLAG_LINEAR) : 0  // PNG_FORMAT_LINEAR_Y, PNG_FORMAT_GRAY
        let narrow = wide ? [] : image.samples.map { UInt8(truncatingIfNeeded: $0) }
        // First ask for the size, then write into a buffer of that size.
        var size = 0
        let measured = write(&png, nil, &size, wide ? image.samples.withUnsafeBytes { Array($0) } : narrow)
        guard measured else { throw .library(format: .png, message: message(png)) }
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { buffer in
            write(&png, buffer.baseAddress, &size, wide ? image.samples.withUnsafeBytes { Array($0) } : narrow)
        }
        guard ok else { throw .library(format: .png, message: message(png)) }
        return Array(out.prefix(size))
    }

    private static func write(_ png: inout png_image, _ memory: UnsafeMutableRawPointer?, _ size: inout Int, _ samples: [UInt8]) -> Bool {
        samples.withUnsafeBytes { raw in
            png_image_write_to_memory(&png, memory, &size, 0, raw.baseAddress, 0, nil) != 0
        }
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
