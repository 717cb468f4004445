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
