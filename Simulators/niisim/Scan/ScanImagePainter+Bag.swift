import HubImaging
import HubSimulation

/// A bag as a baggage X-ray cabinet sees it: the bag's shell and clothes (organic), a laptop (its
/// battery and board inorganic, its frame metal), the handle's metal rods, and for a bag the threat
/// detection calls suspect a dense organic block where its ATD region says (x 120, y 40, 64 × 48).
extension ScanImagePainter {
    static func paintBag(suspect: Bool, rng: inout SeededRandom) -> ScanImage {
        var samples = [UInt16](repeating: air, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var v = Int(air)
                if (40..<216).contains(x), (16..<112).contains(y) { v = 50_000 - (x * 7 + y * 13) % 3_000 }  // shell and clothes
                if (60..<110).contains(x), (30..<100).contains(y) { v = 30_000 }  // laptop
                if (44..<212).contains(x), y == 18 || y == 110 { v = 15_000 }  // handle rods
                samples[y * width + x] = UInt16(max(0, v + Int.random(in: -500...500, using: &rng)))
            }
        }
        if suspect {
            for y in 40..<88 { for x in 120..<184 { samples[y * width + x] = 12_000 + UInt16.random(in: 0...300, using: &rng) } }
        }
        // A cabinet's view: 256 columns over 0.64 m, 128 rows over 0.32 m.
        return ScanImage(
            width: width, height: height, bitsPerSample: 16, samples: samples,
            pixelSpacing: PixelSpacing(rowMillimetres: 2.5, columnMillimetres: 2.5))
    }

    /// The bag's materials as attenuation ratios: the rods metal, the laptop inorganic, the rest organic.
    static func bagRatio(x: Int, y: Int, suspect: Bool) -> Double {
        if suspect, (120..<184).contains(x), (40..<88).contains(y) { return organic }
        if (44..<212).contains(x), y == 18 || y == 110 { return metal }
        if (60..<110).contains(x), (30..<100).contains(y) { return inorganic }
        return organic
    }
}
