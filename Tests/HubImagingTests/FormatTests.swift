import HubImaging
import Testing

/// Every format decodes to the exact samples written: corners, the drawn object, 16-bit values
/// above 255 and the byte order each format specifies.
@Suite struct FormatTests {
    let wide = TestImages.pattern(wide: true)
    let narrow = TestImages.pattern(wide: false)

    /// The pattern's landmarks, checked in every decoded image.
    func expectPattern(_ image: ScanImage, wide: Bool, bits: Int) {
        #expect(image.width == 5 && image.height == 3 && image.bitsPerSample == bits)
        if wide {
            #expect(image[0, 0] == 300)  // top-left
            #expect(image[4, 0] == 448)  // top-right: 300 + 4 × 37
            #expect(image[0, 2] == 2300)  // bottom-left: above 255, so both bytes count
            #expect(image[4, 2] == 2448)
            #expect(image[1, 1] == 60_000 && image[2, 1] == 60_000)  // the object
            #expect(image[3, 1] == 1411)
        } else {
            #expect(image[0, 0] == 0 && image[4, 0] == 200 && image[0, 2] == 20 && image[4, 2] == 220)
            #expect(image[1, 1] == 250 && image[2, 1] == 250 && image[3, 1] == 160)
        }
        #expect(image.samples == (wide ? self.wide : narrow))
    }

    @Test func pgmBinary8And16BitBigEndian() throws {
        expectPattern(try ScanImageDecoder.decode(TestImages.pgm(maxval: 255, samples: narrow)), wide: false, bits: 8)
        let image = try ScanImageDecoder.decode(TestImages.pgm(maxval: 65_535, samples: wide))
        expectPattern(image, wide: true, bits: 16)
        // Netpbm's 16-bit samples are big endian: 0x012C is 300, not 0x2C01.
        #expect(Array(TestImages.pgm(maxval: 65_535, samples: wide).suffix(30).prefix(2)) == [0x01, 0x2C])
    }

    @Test func pgmPlain() throws {
        expectPattern(try ScanImageDecoder.decode(TestImages.plainPGM(maxval: 255, samples: narrow)), wide: false, bits: 8)
        expectPattern(try ScanImageDecoder.decode(TestImages.plainPGM(maxval: 65_535, samples: wide)), wide: true, bits: 16)
    }

    @Test func png8And16BitGray() throws {
        expectPattern(try ScanImageDecoder.decode(TestImages.png(bitDepth: 8, samples: narrow)), wide: false, bits: 8)
        expectPattern(try ScanImageDecoder.decode(TestImages.png(bitDepth: 16, samples: wide)), wide: true, bits: 16)
    }

    @Test func pngColourIsRefusedByName() {
        let rgb = TestImages.png(width: 1, height: 3, bitDepth: 8, colourType: 2, samples: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(throws: ImageError.unsupported("colour PNG (grayscale only)")) { try ScanImageDecoder.decode(rgb) }
    }

    @Test func tiff8And16BitBothByteOrders() throws {
        expectPattern(try ScanImageDecoder.decode(TestImages.tiff(bits: 8, samples: narrow)), wide: false, bits: 8)
        expectPattern(try ScanImageDecoder.decode(TestImages.tiff(bits: 16, samples: wide)), wide: true, bits: 16)
        expectPattern(try ScanImageDecoder.decode(TestImages.tiff(bits: 16, samples: wide, bigEndian: true)), wide: true, bits: 16)
    }

    @Test func tiffMinIsWhiteIsTurnedToMinIsBlack() throws {
        let image = try ScanImageDecoder.decode(TestImages.tiff(bits: 8, samples: narrow, photometric: 0))
        #expect(image[0, 0] == 255 && image[1, 1] == 5 && image[4, 2] == 35)
    }

    @Test func dicomExplicitVR16BitWithSpacingAndRescale() throws {
        let image = try ScanImageDecoder.decode(TestImages.dicom(pixelData: TestImages.littleEndian16(wide)))
        expectPattern(image, wide: true, bits: 16)
        #expect(image.pixelSpacing == PixelSpacing(rowMillimetres: 0.5, columnMillimetres: 0.25))
        #expect(image.rescale == Rescale(slope: 2, intercept: -1024))
        #expect(!image.signedSamples)
    }

    @Test func dicomImplicitVR8Bit() throws {
        let bytes = TestImages.dicom(bitsAllocated: 8, bitsStored: 8, syntax: "1.2.840.10008.1.2", pixelData: narrow.map { UInt8($0) } + [0],
                                     spacing: nil, slope: nil, intercept: nil)
        let image = try ScanImageDecoder.decode(bytes)
        expectPattern(image, wide: false, bits: 8)
        #expect(image.pixelSpacing == nil && image.rescale == nil)
    }

    @Test func dicomBitsAboveBitsStoredAreMasked() throws {
        var samples = wide
        samples[0] = 0xF000 | 300  // overlay bits above the 12 stored
        let image = try ScanImageDecoder.decode(TestImages.dicom(bitsStored: 12, pixelData: TestImages.littleEndian16(samples)))
        #expect(image[0, 0] == 300 && image[4, 2] == 2448)
    }

    @Test func dicomCompressedSyntaxIsRefusedByName() {
        let jpeg = TestImages.dicom(syntax: "1.2.840.10008.1.2.4.50", pixelData: [])
        #expect(throws: ImageError.unsupported("DICOM transfer syntax 1.2.840.10008.1.2.4.50 (compressed pixel data is not read)")) {
            try ScanImageDecoder.decode(jpeg)
        }
    }

    @Test func dualEnergyPairAcrossFormats() throws {
        let pair = try ScanImageDecoder.decodeDualEnergy(
            high: TestImages.png(bitDepth: 16, samples: wide), low: TestImages.pgm(maxval: 65_535, samples: wide.map { $0 / 2 })
        )
        #expect(pair.high[1, 1] == 60_000 && pair.low[1, 1] == 30_000)
    }

    @Test func dualEnergySizesMustMatch() {
        let small = TestImages.pgm(width: 1, height: 1, maxval: 255, samples: [7])
        #expect(throws: ImageError.sizeMismatch(high: ImageSize(width: 5, height: 3), low: ImageSize(width: 1, height: 1))) {
            try ScanImageDecoder.decodeDualEnergy(high: TestImages.pgm(maxval: 255, samples: narrow), low: small)
        }
    }
}
