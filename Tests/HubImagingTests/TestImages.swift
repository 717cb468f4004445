import Foundation

/// Test images written byte by byte from the formats' specifications (Netpbm, PNG with stored
/// deflate blocks, baseline TIFF, DICOM Part 10), independent of the decoders under test.
enum TestImages {
    /// A 5 × 3 gradient with a bright 2 × 1 object at (1…2, 1): 16-bit values above 255 when `wide`.
    static func pattern(wide: Bool) -> [UInt16] {
        var v = [UInt16]()
        for y in 0..<3 {
            for x in 0..<5 {
                if y == 1, (1...2).contains(x) { v.append(wide ? 60_000 : 250) } else {
                    v.append(wide ? UInt16(1000 * y + 37 * x + 300) : UInt16(50 * x + 10 * y))
                }
            }
        }
        return v
    }

    static func bigEndian16(_ v: [UInt16]) -> [UInt8] { v.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
    static func littleEndian16(_ v: [UInt16]) -> [UInt8] { v.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    // MARK: PGM

    static func pgm(width: Int = 5, height: Int = 3, maxval: Int, samples: [UInt16]) -> [UInt8] {
        let header = Array("P5\n# scanner test\n\(width) \(height)\n\(maxval)\n".utf8)
        return header + (maxval > 255 ? bigEndian16(samples) : samples.map { UInt8($0) })
    }

    static func plainPGM(maxval: Int, samples: [UInt16]) -> [UInt8] {
        Array("P2\n5 3\n\(maxval)\n".utf8) + Array(samples.map(String.init).joined(separator: " ").utf8) + [0x0A]
    }

    // MARK: PNG

    static func png(width: Int = 5, height: Int = 3, bitDepth: UInt8, colourType: UInt8 = 0, samples: [UInt16], extra: [UInt8] = []) -> [UInt8] {
        var raw = [UInt8]()
        for y in 0..<height {
            raw.append(0)  // filter: none
            let row = samples[(y * width)..<((y + 1) * width)]
            raw += bitDepth == 16 ? bigEndian16(Array(row)) : row.map { UInt8($0) }
        }
        var ihdr = be32(UInt32(width)) + be32(UInt32(height))
        ihdr += [bitDepth, colourType, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + extra + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// zlib with one stored (uncompressed) deflate block per 65,535 bytes.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var at = 0
        repeat {
            let n = min(65_535, data.count - at)
            out += [at + n == data.count ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[at..<(at + n)]
            at += n
        } while at < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + be32(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    // MARK: TIFF

    /// A baseline TIFF, one uncompressed strip, in either byte order.
    static func tiff(width: Int = 5, height: Int = 3, bits: Int, samples: [UInt16], bigEndian: Bool = false, photometric: UInt16 = 1, stripBytes: Int? = nil) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? be32(v) : be32(v).reversed() }
        let pixels = bits == 16 ? (bigEndian ? bigEndian16(samples) : littleEndian16(samples)) : samples.map { UInt8($0) }
        let entries: [(UInt16, UInt16, UInt32)] = [  // tag, type (3 SHORT, 4 LONG), value
            (256, 4, UInt32(width)), (257, 4, UInt32(height)), (258, 3, UInt32(bits)), (259, 3, 1), (262, 3, UInt32(photometric)),
            (273, 4, 8), (277, 3, 1), (278, 4, UInt32(height)), (279, 4, UInt32(stripBytes ?? pixels.count)),
        ]
        let ifdAt = 8 + pixels.count + (pixels.count % 2)
        var out = (bigEndian ? [0x4D, 0x4D, 0x00, 0x2A] : [0x49, 0x49, 0x2A, 0x00]) + u32(UInt32(ifdAt)) + pixels
        if pixels.count % 2 == 1 { out.append(0) }
        out += u16(UInt16(entries.count))
        for (tag, type, value) in entries {
            out += u16(tag) + u16(type) + u32(1)
            out += type == 3 ? u16(UInt16(value)) + [0, 0] : u32(value)
        }
        return out + u32(0)
    }

    // MARK: DICOM

    /// A Part 10 file: explicit VR meta group, then the dataset in the given syntax.
    static func dicom(
        rows: UInt16 = 3, columns: UInt16 = 5, bitsAllocated: UInt16 = 16, bitsStored: UInt16 = 16,
        syntax: String = "1.2.840.10008.1.2.1", pixelData: [UInt8], spacing: String? = "0.5\\0.25",
        slope: String? = "2", intercept: String? = "-1024"
    ) -> [UInt8] {
        let explicit = syntax != "1.2.840.10008.1.2"
        var meta = [UInt8]()
        meta += element(0x0002, 0x0010, "UI", padded(syntax, 0), explicit: true)
        var data = [UInt8]()
        data += element(0x0008, 0x0016, "UI", padded("1.2.840.10008.5.1.4.1.1.501.2.1", 0), explicit: explicit)
        data += element(0x0028, 0x0002, "US", le16(1), explicit: explicit)
        if let spacing { data += element(0x0028, 0x0030, "DS", padded(spacing, 0x20), explicit: explicit) }
        data += element(0x0028, 0x0010, "US", le16(rows), explicit: explicit)
        data += element(0x0028, 0x0011, "US", le16(columns), explicit: explicit)
        data += element(0x0028, 0x0100, "US", le16(bitsAllocated), explicit: explicit)
        data += element(0x0028, 0x0101, "US", le16(bitsStored), explicit: explicit)
        data += element(0x0028, 0x0103, "US", le16(0), explicit: explicit)
        if let intercept { data += element(0x0028, 0x1052, "DS", padded(intercept, 0x20), explicit: explicit) }
        if let slope { data += element(0x0028, 0x1053, "DS", padded(slope, 0x20), explicit: explicit) }
        data += element(0x7FE0, 0x0010, bitsAllocated == 8 ? "OB" : "OW", pixelData, explicit: explicit)
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + meta + data
    }

    static func element(_ group: UInt16, _ tag: UInt16, _ vr: String, _ value: [UInt8], explicit: Bool) -> [UInt8] {
        var out = le16(group) + le16(tag)
        if !explicit { return out + le32(UInt32(value.count)) + value }
        out += Array(vr.utf8)
        if ["OB", "OW", "SQ", "UN"].contains(vr) { out += [0, 0] + le32(UInt32(value.count)) } else { out += le16(UInt16(value.count)) }
        return out + value
    }

    static func padded(_ s: String, _ pad: UInt8) -> [UInt8] {
        let b = Array(s.utf8)
        return b.count % 2 == 0 ? b : b + [pad]
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }
}
