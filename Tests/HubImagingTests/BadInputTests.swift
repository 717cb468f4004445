import HubImaging
import Testing

/// Truncated files, lying headers and huge sizes are refused with a reason, before any buffer the
/// size of the claimed image is allocated (the huge sizes here would need gigabytes).
@Suite struct BadInputTests {
    let wide = TestImages.pattern(wide: true)
    let narrow = TestImages.pattern(wide: false)

    @Test func truncatedFilesAreRefused() throws {
        let pgm = TestImages.pgm(maxval: 65_535, samples: wide)
        #expect(throws: ImageError.truncated(neededBytes: 30, availableBytes: 29)) { try ScanImageDecoder.decode(Array(pgm.dropLast())) }
        #expect(throws: ImageError.truncated(neededBytes: 29, availableBytes: 8)) {
            try ScanImageDecoder.decode(Array("P2\n5 3\n255\n1 2 3 4".utf8))
        }
        let dicom = TestImages.dicom(pixelData: TestImages.littleEndian16(wide))
        #expect(throws: ImageError.truncated(neededBytes: 30, availableBytes: 20)) { try ScanImageDecoder.decode(Array(dicom.dropLast(10))) }
        // libpng and libtiff name what is missing.
        let png = TestImages.png(bitDepth: 16, samples: wide)
        #expect(throws: ImageError.self) { try ScanImageDecoder.decode(Array(png.prefix(60))) }
        let tiff = TestImages.tiff(bits: 16, samples: wide)
        #expect(throws: ImageError.self) { try ScanImageDecoder.decode(Array(tiff.prefix(20))) }
    }

    @Test func lyingHeadersAreRefused() throws {
        // 1000 × 1000 promised, 15 samples present.
        let pgm = Array("P5 1000 1000 255\n".utf8) + narrow.map { UInt8($0) }
        #expect(throws: ImageError.truncated(neededBytes: 1_000_000, availableBytes: 15)) { try ScanImageDecoder.decode(pgm) }
        let dicom = TestImages.dicom(rows: 1000, columns: 1000, pixelData: TestImages.littleEndian16(wide))
        #expect(throws: ImageError.truncated(neededBytes: 2_000_000, availableBytes: 30)) { try ScanImageDecoder.decode(dicom) }
        let tiff = TestImages.tiff(width: 1000, height: 1000, bits: 16, samples: wide, stripBytes: 30)
        let tiffError = try #require(throws: ImageError.self) { try ScanImageDecoder.decode(tiff) }
        guard case .library(.tiff, let message) = tiffError else { Issue.record("\(tiffError)"); return }
        #expect(!message.isEmpty)
        let png = TestImages.png(width: 5, height: 3, bitDepth: 16, samples: wide)
        // Patch IHDR's height to 300 (CRC fixed) so the data runs out.
        var lying = png
        lying.replaceSubrange(20..<24, with: TestImages.be32(300))
        lying.replaceSubrange(29..<33, with: TestImages.be32(TestImages.crc32(Array(lying[12..<29]))))
        let pngError = try #require(throws: ImageError.self) { try ScanImageDecoder.decode(lying) }
        guard case .library(.png, let pngMessage) = pngError else { Issue.record("\(pngError)"); return }
        #expect(!pngMessage.isEmpty)
    }

    @Test func hugeImagesAreRefusedBeforeAllocating() {
        let cap = ImageLimits(maxPixels: 10_000)
        let huge = ImageError.tooLarge(width: 100_000, height: 100_000, maxPixels: 10_000)
        #expect(throws: huge) { try ScanImageDecoder.decode(Array("P5 100000 100000 65535\n".utf8), limits: cap) }
        #expect(throws: huge) { try ScanImageDecoder.decode(Array("P2 100000 100000 255\n".utf8), limits: cap) }
        #expect(throws: huge) { try ScanImageDecoder.decode(TestImages.tiff(width: 100_000, height: 100_000, bits: 16, samples: wide), limits: cap) }
        #expect(throws: ImageError.tooLarge(width: 50_000, height: 40_000, maxPixels: 10_000)) {
            try ScanImageDecoder.decode(TestImages.dicom(rows: 40_000, columns: 50_000, pixelData: [0, 0]), limits: cap)
        }
        var png = TestImages.png(bitDepth: 16, samples: wide)
        png.replaceSubrange(16..<24, with: TestImages.be32(100_000) + TestImages.be32(100_000))
        png.replaceSubrange(29..<33, with: TestImages.be32(TestImages.crc32(Array(png[12..<29]))))
        #expect(throws: huge) { try ScanImageDecoder.decode(png, limits: cap) }
        // Width × height that overflows Int is "too large", not a crash.
        #expect(throws: ImageError.tooLarge(width: 999_999_999, height: 999_999_999, maxPixels: 10_000)) {
            try ScanImageDecoder.decode(Array("P5 999999999 999999999 255\n".utf8), limits: cap)
        }
    }

    @Test func otherBytesAreNamed() {
        #expect(throws: ImageError.unknownFormat) { try ScanImageDecoder.decode(Array("GIF89a".utf8)) }
        #expect(throws: ImageError.malformed("PGM maxval 0 is not 1…65535")) { try ScanImageDecoder.decode(Array("P5 2 2 0\n".utf8)) }
        #expect(throws: ImageError.malformed("PGM sample 9 above maxval 5")) { try ScanImageDecoder.decode(Array("P2 1 1 5 9".utf8)) }
    }
}
