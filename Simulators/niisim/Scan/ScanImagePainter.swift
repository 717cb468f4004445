import HubImaging
import HubSimulation

/// Paints a container scanner's transmission image: 16-bit, bright where X-rays pass (air), dark
/// where they are absorbed. A container's walls and corrugation, cargo with noise, and for a scan
/// the threat detection calls suspect a dense object where its ATD region says (x 120, y 40,
/// 64 × 48, as `ScanResultWriter` writes it).
enum ScanImagePainter {
    static let width = 256
    static let height = 128
    static let air: UInt16 = 58_000
    static let wall: UInt16 = 21_000
    static let dense: UInt16 = 6_000

    static func paint(suspect: Bool, rng: inout SeededRandom) -> ScanImage {
        var samples = [UInt16](repeating: air, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let inContainer = (8..<248).contains(x) && (12..<116).contains(y)
                guard inContainer else { continue }
                let edge = x < 12 || x >= 244 || y < 16 || y >= 112
                // Corrugated side walls: a darker band every 16 columns.
                let rib = x % 16 < 2 ? 4_000 : 0
                let cargo = (40..<220).contains(x) && (48..<112).contains(y) ? 14_000 : 0
                let base = edge ? Int(wall) : 46_000 - rib - cargo
                samples[y * width + x] = UInt16(base + Int.random(in: -600...600, using: &rng))
            }
        }
        if suspect {
            for y in 40..<88 { for x in 120..<184 { samples[y * width + x] = dense + UInt16.random(in: 0...300, using: &rng) } }
        }
        // 240 columns span a 40-foot container's 12 m; 104 rows its 2.6 m height.
        return ScanImage(
            width: width, height: height, bitsPerSample: 16, samples: samples,
            pixelSpacing: PixelSpacing(rowMillimetres: 25, columnMillimetres: 50))
    }

    /// The file's bytes in the chosen format (PGM; PNG through libpng; TIFF through libtiff; DICOS).
    static func file(_ image: ScanImage, as format: ImageFileFormat) -> [UInt8] {
        switch format {
        case .pgm: ScanImageEncoder.pgm(image)
        // libpng and libtiff write any 16-bit grayscale image they are given; a failure would be a bug here.
        case .png: (try? ScanImageEncoder.png(image)) ?? ScanImageEncoder.pgm(image)
        case .tiff: (try? ScanImageEncoder.tiff(image)) ?? ScanImageEncoder.pgm(image)
        case .dicos: ScanImageEncoder.dicos(image)
        }
    }
}

/// The image file format `niisim scan` writes.
enum ImageFileFormat: String, CaseIterable, Sendable {
    case pgm, png, tiff, dicos

    /// The file name's extension.
    var fileExtension: String { self == .dicos ? "dcs" : rawValue }
    /// What the scan result document calls it (`Schemas/scan-result-v1.schema.json`).
    var documentFormat: String { self == .pgm ? "other" : rawValue }
}
