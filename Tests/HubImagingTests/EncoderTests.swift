import HubImaging
import Testing

/// The simulators' writers produce files the decoders (and libpng) read back sample for sample.
@Suite struct EncoderTests {
    let image = ScanImage(width: 5, height: 3, bitsPerSample: 16, samples: TestImages.pattern(wide: true))

    @Test func pgmRoundTripsAndMatchesTheHandWrittenFile() throws {
        #expect(ScanImageEncoder.pgm(image) == Array("P5\n5 3\n65535\n".utf8) + TestImages.bigEndian16(image.samples))
        #expect(try ScanImageDecoder.decode(ScanImageEncoder.pgm(image)) == image)
    }

    @Test func pngRoundTrips16And8Bit() throws {
        let png = try ScanImageEncoder.png(image)
        #expect(ScanImageDecoder.format(of: png) == .png)
        #expect(try ScanImageDecoder.decode(png) == image)
        let narrow = ScanImage(width: 5, height: 3, bitsPerSample: 8, samples: TestImages.pattern(wide: false))
        #expect(try ScanImageDecoder.decode(ScanImageEncoder.png(narrow)) == narrow)
    }

    /// libpng would convert a tagged file's values (300 became 0 before the tags were dropped).
    @Test func colourTaggedPNGsGiveTheirStoredSamples() throws {
        let pattern = TestImages.pattern(wide: true)
        let srgb = TestImages.png(bitDepth: 16, samples: pattern, extra: TestImages.chunk("sRGB", [0]))
        #expect(try ScanImageDecoder.decode(srgb).samples == pattern)
        let gamma = TestImages.png(bitDepth: 16, samples: pattern, extra: TestImages.chunk("gAMA", TestImages.be32(45_455)))
        #expect(try ScanImageDecoder.decode(gamma).samples == pattern)
        let linear = TestImages.png(bitDepth: 8, samples: TestImages.pattern(wide: false), extra: TestImages.chunk("gAMA", TestImages.be32(100_000)))
        #expect(try ScanImageDecoder.decode(linear).samples == TestImages.pattern(wide: false))
    }
}

/// DICOS and TIFF written by the project's encoder read back by its decoders, sample for sample,
/// with the pixel spacing (and for DICOS the rescale) the encoder was given.
@Suite struct DICOSTIFFEncoderTests {
    static let image = ScanImage(
        width: 37, height: 130, bitsPerSample: 16, samples: (0..<(37 * 130)).map { UInt16(($0 * 977) % 65536) },
        pixelSpacing: PixelSpacing(rowMillimetres: 5, columnMillimetres: 4), rescale: Rescale(slope: 2, intercept: -1024))

    @Test func dicosReadsBackExactly() throws {
        let bytes = ScanImageEncoder.dicos(Self.image)
        #expect(ScanImageDecoder.format(of: bytes) == .dicom)
        let back = try ScanImageDecoder.decode(bytes)
        #expect(back.samples == Self.image.samples && back.size == Self.image.size && back.bitsPerSample == 16)
        #expect(back.pixelSpacing == Self.image.pixelSpacing && back.rescale == Self.image.rescale)
    }

    @Test func tiffReadsBackExactlyWithItsSpacing() throws {
        let bytes = try ScanImageEncoder.tiff(Self.image)
        #expect(ScanImageDecoder.format(of: bytes) == .tiff)
        let back = try ScanImageDecoder.decode(bytes)
        #expect(back.samples == Self.image.samples && back.size == Self.image.size)
        let s = try #require(back.pixelSpacing)
        #expect(abs(s.rowMillimetres - 5) < 1e-4 && abs(s.columnMillimetres - 4) < 1e-4)
    }
}
