import CLibTIFF
import Foundation

/// TIFF through libtiff, read from memory (TIFFClientOpenExt with memory callbacks), its errors and
/// warnings recorded by handlers on the open options rather than printed.
///
/// Grayscale (MinIsBlack, or MinIsWhite turned to MinIsBlack), one sample per pixel, 8 or 16 bits,
/// striped with any compression libtiff reads; the first directory only. The size is checked
/// against the cap after the header is read and before any strip is.
public enum TIFFDecoder {
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(ImageError) -> ScanImage {
        let result = bytes.withUnsafeBytes { raw in
            let source = MemorySource(raw)
            return withExtendedLifetime(source) { read(source, limits) }
        }
        return try result.get()
    }

    private static func read(_ source: MemorySource, _ limits: ImageLimits) -> Result<ScanImage, ImageError> {
        guard let options = TIFFOpenOptionsAlloc() else { return .failure(.library(format: .tiff, message: "out of memory")) }
        defer { TIFFOpenOptionsFree(options) }
        let context = Unmanaged.passUnretained(source).toOpaque()
        TIFFOpenOptionsSetErrorHandlerExtR(options, recordError, context)
        TIFFOpenOptionsSetWarningHandlerExtR(options, ignoreWarning, context)
        // libtiff's own allocations (a strip, a directory) are bounded by the image the cap allows.
        TIFFOpenOptionsSetMaxSingleMemAlloc(options, tmsize_t(limits.maxPixels) * 2 + 65_536)
        guard let tif = TIFFClientOpenExt(
            "memory", "rm", context, readProc, writeProc, seekProc, closeProc, sizeProc, mapProc, unmapProc, options
        ) else {
            return .failure(.library(format: .tiff, message: source.error ?? "not a TIFF"))
        }
        defer { TIFFClose(tif) }
        let width = Int(field(tif, TIFFTAG_IMAGEWIDTH, UInt32.self) ?? 0)
        let height = Int(field(tif, TIFFTAG_IMAGELENGTH, UInt32.self) ?? 0)
        let bits = Int(field(tif, TIFFTAG_BITSPERSAMPLE, UInt16.self) ?? 1)
        let spp = Int(field(tif, TIFFTAG_SAMPLESPERPIXEL, UInt16.self) ?? 1)
        let photometric = field(tif, TIFFTAG_PHOTOMETRIC, UInt16.self).map(Int32.init)
        guard spp == 1 else { return .failure(.unsupported("TIFF with \(spp) samples per pixel (grayscale only)")) }
        guard bits == 8 || bits == 16 else { return .failure(.unsupported("\(bits)-bit TIFF (8 or 16 only)")) }
        guard photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE else {
            return .failure(.unsupported("TIFF photometric \(photometric.map(String.init) ?? "missing") (grayscale only)"))
        }
        guard TIFFIsTiled(tif) == 0 else { return .failure(.unsupported("tiled TIFF")) }
        let pixels: Int
        do throws(ImageError) { pixels = try limits.check(width: width, height: height) } catch { return .failure(error) }
        guard Int(TIFFScanlineSize(tif)) == width * bits / 8 else { return .failure(.malformed("TIFF scanline size")) }
        var samples = [UInt16](repeating: 0, count: pixels)
        var line = [UInt8](repeating: 0, count: width * bits / 8)
        for row in 0..<height {
            let ok = line.withUnsafeMutableBytes { TIFFReadScanline(tif, $0.baseAddress, UInt32(row), 0) }
            guard ok == 1 else {
                return .failure(.library(format: .tiff, message: source.error ?? "row \(row) unreadable"))
            }
            let base = row * width
            if bits == 8 {
                for x in 0..<width { samples[base + x] = UInt16(line[x]) }
            } else {
                // libtiff returns 16-bit samples in the host's byte order.
                line.withUnsafeBytes { raw in
                    for x in 0..<width { samples[base + x] = raw.loadUnaligned(fromByteOffset: 2 * x, as: UInt16.self) }
                }
            }
        }
        if photometric == PHOTOMETRIC_MINISWHITE {
            let top = UInt16(truncatingIfNeeded: (1 << bits) - 1)
            for i in samples.indices { samples[i] = top - samples[i] }
        }
        return .success(ScanImage(width: width, height: height, bitsPerSample: bits, samples: samples, pixelSpacing: spacing(tif)))
    }

    /// Pixel spacing from X/Y resolution when given in pixels per centimetre (a scanner's statement);
    /// per-inch values are left alone, since picture software writes 72 or 300 dpi as a default.
    private static func spacing(_ tif: OpaquePointer) -> PixelSpacing? {
        guard field(tif, TIFFTAG_RESOLUTIONUNIT, UInt16.self).map(Int32.init) == RESUNIT_CENTIMETER else { return nil }
        func resolution(_ tag: Int32) -> Double? {
            var value: Float = 0
            let found = withUnsafeMutablePointer(to: &value) { p in withVaList([p]) { TIFFVGetField(tif, UInt32(tag), $0) } }
            return found == 1 && value > 0 ? Double(value) : nil
        }
        guard let x = resolution(TIFFTAG_XRESOLUTION), let y = resolution(TIFFTAG_YRESOLUTION) else { return nil }
        return PixelSpacing(rowMillimetres: 10 / y, columnMillimetres: 10 / x)
    }

    /// One scalar tag (TIFFGetField is variadic; Swift calls its va_list form).
    private static func field<T: FixedWidthInteger>(_ tif: OpaquePointer, _ tag: Int32, _: T.Type) -> T? {
        var value: T = 0
        let found = withUnsafeMutablePointer(to: &value) { p in
            withVaList([p]) { TIFFVGetField(tif, UInt32(tag), $0) }
        }
        return found == 1 ? value : nil
    }
}

/// The bytes libtiff reads through its client callbacks, and the first error it reported.
private final class MemorySource {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    var error: String?
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    static func from(_ handle: thandle_t?) -> MemorySource {
        Unmanaged<MemorySource>.fromOpaque(handle!).takeUnretainedValue()
    }
}

// The client callbacks: file-scope functions, so they pass to C as function pointers.
private func readProc(_ handle: thandle_t?, _ buffer: UnsafeMutableRawPointer?, _ size: tmsize_t) -> tmsize_t {
    let s = MemorySource.from(handle)
    let n = max(0, min(Int(size), s.bytes.count - s.offset))
    if n > 0, let buffer, let base = s.bytes.baseAddress {
        buffer.copyMemory(from: base + s.offset, byteCount: n)
    }
    s.offset += n
    return tmsize_t(n)
}

private func writeProc(_: thandle_t?, _: UnsafeMutableRawPointer?, _: tmsize_t) -> tmsize_t { 0 }

private func seekProc(_ handle: thandle_t?, _ offset: toff_t, _ whence: Int32) -> toff_t {
    let s = MemorySource.from(handle)
    let base: Int
    switch whence {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = s.offset
    case SEEK_END: base = s.bytes.count
    default: return toff_t.max
    }
    let (target, overflow) = base.addingReportingOverflow(Int(truncatingIfNeeded: Int64(bitPattern: offset)))
    guard !overflow, target >= 0 else { return toff_t.max }
    s.offset = min(target, s.bytes.count)
    return toff_t(target)
}

private func closeProc(_: thandle_t?) -> Int32 { 0 }
private func sizeProc(_ handle: thandle_t?) -> toff_t { toff_t(MemorySource.from(handle).bytes.count) }
private func mapProc(_: thandle_t?, _: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _: UnsafeMutablePointer<toff_t>?) -> Int32 { 0 }
private func unmapProc(_: thandle_t?, _: UnsafeMutableRawPointer?, _: toff_t) {}

/// Keeps libtiff's first error for the refusal's reason; returning 1 stops libtiff printing it.
private func recordError(
    _: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ module: UnsafePointer<CChar>?, _ format: UnsafePointer<CChar>?,
    _ args: CVaListPointer?
) -> Int32 {
    guard let context else { return 1 }
    let s = Unmanaged<MemorySource>.fromOpaque(context).takeUnretainedValue()
    guard s.error == nil, let format, let args else { return 1 }
    var buffer = [CChar](repeating: 0, count: 256)
    _ = vsnprintf(&buffer, buffer.count, format, args)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    s.error = module.map { String(cString: $0) + ": " + text } ?? text
    return 1
}

/// Warnings (unknown tags and the like) are not reasons to refuse, and are not printed.
private func ignoreWarning(
    _: OpaquePointer?, _: UnsafeMutableRawPointer?, _: UnsafePointer<CChar>?, _: UnsafePointer<CChar>?, _: CVaListPointer?
) -> Int32 { 1 }
