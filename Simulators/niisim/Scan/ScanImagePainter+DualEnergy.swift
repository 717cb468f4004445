import Foundation
import HubImaging
import HubSimulation

/// A dual-energy pair of the same scan. Each pixel's high-energy attenuation A = ln(full / high) is
/// the single-energy painting's; its low-energy attenuation is A × R, where R grows with the atomic
/// number, as the photoelectric effect that dominates at low energy does: organic cargo (R 1.1),
/// the container's steel (R 2.0), and the suspect object, an inorganic mass (R 1.4). The viewer's
/// material colours read R back from the pair.
extension ScanImagePainter {
    static let full = 65_535.0
    /// Attenuation ratios (low / high) by material.
    static let organic = 1.1, inorganic = 1.4, metal = 2.0

    static func dualEnergy(suspect: Bool, bag: Bool = false, rng: inout SeededRandom) -> (high: ScanImage, low: ScanImage) {
        let high = bag ? paintBag(suspect: suspect, rng: &rng) : paint(suspect: suspect, rng: &rng)
        var low = high
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                let a = log(full / Double(max(1, high.samples[i])))
                let t = full * exp(-a * (bag ? bagRatio(x: x, y: y, suspect: suspect) : ratio(x: x, y: y, suspect: suspect)))
                low.samples[i] = UInt16(max(1, min(full, t.rounded())))
            }
        }
        return (high, low)
    }

    /// The material under pixel (x, y) as its attenuation ratio; air attenuates nothing, so any ratio does.
    static func ratio(x: Int, y: Int, suspect: Bool) -> Double {
        if suspect, (120..<184).contains(x), (40..<88).contains(y) { return inorganic }
        let inContainer = (8..<248).contains(x) && (12..<116).contains(y)
        guard inContainer else { return organic }
        let edge = x < 12 || x >= 244 || y < 16 || y >= 112
        if edge || x % 16 < 2 { return metal }
        return organic
    }
}
