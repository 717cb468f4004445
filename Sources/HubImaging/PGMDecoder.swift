/// Netpbm graymap (PGM): P5 (binary, 1 byte per sample when maxval < 256, else 2 bytes big-endian)
/// and P2 (plain, decimal text). Pure Swift.
public enum PGMDecoder {
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(ImageError) -> ScanImage {
        guard bytes.count >= 2, bytes[0] == 0x50, bytes[1] == 0x35 || bytes[1] == 0x32 else {
            throw .malformed("PGM starts with P5 or P2")
        }
        let plain = bytes[1] == 0x32
        var at = 2
        let width = try header(bytes, &at, "width")
        let height = try header(bytes, &at, "height")
        let maxval = try header(bytes, &at, "maxval")
        guard (1...65_535).contains(maxval) else { throw .malformed("PGM maxval \(maxval) is not 1…65535") }
        let pixels = try limits.check(width: width, height: height)
        let wide = maxval > 255
        if plain { return try decodePlain(bytes, from: at, width, height, pixels, maxval, wide) }
        // One whitespace byte ends the header; the raster follows.
        let needed = pixels * (wide ? 2 : 1)
        guard at < bytes.count else { throw .truncated(neededBytes: needed, availableBytes: 0) }
        guard isSpace(bytes[at]) else { throw .malformed("PGM header not ended by whitespace") }
        at += 1
        guard bytes.count - at >= needed else { throw .truncated(neededBytes: needed, availableBytes: bytes.count - at) }
        var samples = [UInt16](repeating: 0, count: pixels)
        for i in 0..<pixels {
            let v = wide ? UInt16(bytes[at + 2 * i]) << 8 | UInt16(bytes[at + 2 * i + 1]) : UInt16(bytes[at + i])
            guard Int(v) <= maxval else { throw .malformed("PGM sample \(v) above maxval \(maxval)") }
            samples[i] = v
        }
        return ScanImage(width: width, height: height, bitsPerSample: wide ? 16 : 8, samples: samples)
    }

    /// P2: every sample is a decimal number separated by whitespace (comments allowed).
    private static func decodePlain(
        _ bytes: [UInt8], from start: Int, _ width: Int, _ height: Int, _ pixels: Int, _ maxval: Int, _ wide: Bool
    ) throws(ImageError) -> ScanImage {
        // Each sample needs at least a digit and a separator: refuse a lying header before allocating.
        guard (bytes.count - start + 1) / 2 >= pixels else {
            throw .truncated(neededBytes: pixels * 2 - 1, availableBytes: bytes.count - start)
        }
        var at = start
        var samples = [UInt16](repeating: 0, count: pixels)
        for i in 0..<pixels {
            let v: Int
            do throws(ImageError) { v = try header(bytes, &at, "sample") } catch {
                throw .truncated(neededBytes: pixels, availableBytes: i)
            }
            guard v <= maxval else { throw .malformed("PGM sample \(v) above maxval \(maxval)") }
            samples[i] = UInt16(v)
        }
        return ScanImage(width: width, height: height, bitsPerSample: wide ? 16 : 8, samples: samples)
    }

    /// The next decimal number after whitespace and `#` comments; at most 9 digits.
    private static func header(_ bytes: [UInt8], _ at: inout Int, _ what: String) throws(ImageError) -> Int {
        while at < bytes.count {
            if isSpace(bytes[at]) {
                at += 1
            } else if bytes[at] == 0x23 {  // '#' to the end of the line
                while at < bytes.count, bytes[at] != 0x0A, bytes[at] != 0x0D { at += 1 }
            } else {
                break
            }
        }
        var value = 0
        var digits = 0
        while at < bytes.count, (0x30...0x39).contains(bytes[at]) {
            digits += 1
            guard digits <= 9 else { throw .malformed("PGM \(what) has too many digits") }
            value = value * 10 + Int(bytes[at] - 0x30)
            at += 1
        }
        guard digits > 0 else { throw .malformed("PGM \(what) missing") }
        return value
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
}
