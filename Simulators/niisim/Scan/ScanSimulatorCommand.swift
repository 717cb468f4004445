import ArgumentParser
import Crypto
import Foundation
import HubDrivers
import HubModel
import HubSimulation

/// A container scanner: per scan, a 16-bit image file (PGM or PNG, under `images/`, which the hub does not read yet)
/// and a scan result document naming it by SHA-256, both renamed into place.
struct ScanSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "A container scanner writing scan result JSON and image files into a folder.")

    @OptionGroup(title: "Run") var pace: RunOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "The folder the hub watches.") var folder: String
    @Option(name: .long, help: "Scans to write (0 = never stop).") var count: Int = 0
    @Option(name: .long, help: "Seconds between scans (device time).") var every: Double = 45
    @Option(name: .long, help: "Share of scans the threat detection calls suspect.") var suspectRate: Double = 0.15
    @Option(name: .long, help: "Lane the scanner stands in.") var lane: String = "1"
    @Option(name: .long, help: "Scanner id.") var scanner: String = "SIM-SCAN-1"
    @Option(name: .long, help: "Image file format: pgm or png (16-bit grayscale).") var imageFormat: String = "pgm"

    func validate() throws {
        guard every > 0 else { throw ValidationError("--every must be above 0") }
        guard (0...1).contains(suspectRate) else { throw ValidationError("--suspect-rate is a share between 0 and 1") }
        guard ImageFileFormat(rawValue: imageFormat) != nil else { throw ValidationError("--image-format is pgm or png") }
    }

    func run() async throws {
        let format = ImageFileFormat(rawValue: imageFormat) ?? .pgm
        let device = FolderDevice(folder: folder, count: count, every: every, run: pace, faults: faults)
        try await device.play("scan") { i, at, rng, out in
            let id = "\(scanner)-\(String(format: "%06d", i))"
            let container = Identities.container(&rng), plate = Identities.plate(&rng), suspect = rng.chance(suspectRate)
            let scan = Self.scan(id: id, scanner: scanner, lane: lane, at: at, containers: [container], plate: plate,
                                 suspect: suspect, images: 1, imageFormat: format, rng: &rng)
            for (name, bytes) in scan.images { try out.write(name, bytes, subfolder: "images") }
            return .init(name: id + ".json", bytes: ScanResultWriter.json(scan.document),
                         trace: ["scanId": id, "containers": scan.document.containers, "suspect": scan.document.suspect])
        }
    }

    /// One scan's document and its 16-bit image files (named `<id>-<view>.pgm` or `.png`), each named
    /// in the document by its SHA-256.
    static func scan(id: String, scanner: String, lane: String?, at: Date, containers: [String], plate: String?, suspect: Bool,
                     images: Int, imageFormat: ImageFileFormat = .pgm, rng: inout SeededRandom)
        -> (document: ScanResultWriter.Scan, images: [(name: String, bytes: [UInt8])])
    {
        let views = ["side", "top", "front", "rear"]
        let files = (0..<max(1, images)).map { k in
            (name: "\(id)-\(views[k % views.count])\(k < views.count ? "" : String(k)).\(imageFormat.rawValue)",
             bytes: ScanImagePainter.file(ScanImagePainter.paint(suspect: suspect, rng: &rng), as: imageFormat))
        }
        let doc = ScanResultWriter.Scan(
            scanID: id, scannerID: scanner, lane: lane, startedAt: at, durationS: 35, containers: containers, plate: plate,
            images: files.map { (name: $0.name, sha256: SHA256.hash(data: $0.bytes).map { String(format: "%02x", $0) }.joined(),
                                 bytes: $0.bytes.count) },
            suspect: suspect)
        return (doc, files)
    }
}
