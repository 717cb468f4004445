import ArgumentParser
import Crypto
import Foundation
import HubDrivers
import HubImaging
import HubModel
import HubSimulation

/// A container scanner: per scan, 16-bit image files (PGM, PNG, TIFF or DICOS, under `images/`; a
/// high/low pair per view for a dual-energy scanner) and a scan result document naming them by
/// SHA-256, all renamed into place.
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
    @Option(name: .long, help: "Image file format: pgm, png, tiff or dicos (16-bit grayscale).") var imageFormat: String = "pgm"
    @Flag(name: .long, help: "A dual-energy scanner: a high- and a low-energy image of each view.") var dualEnergy = false
    @Flag(name: .long, help: "A baggage scanner: bags instead of containers, each with its reference.") var baggage = false
    @Option(name: .long, help: "Views per scan (a baggage scanner's 2 or 4; a container scanner's 1 to 4).") var views: Int?
    @Option(name: .long, help: "Whose bags, for --baggage: passenger, vehicle:<plate> or flight:<number> (passenger: a new passport number each bag).")
    var reference: String = "passenger"

    func validate() throws {
        guard every > 0 else { throw ValidationError("--every must be above 0") }
        guard (1...4).contains(views ?? 1) else { throw ValidationError("--views is 1 to 4") }
        let kind = reference.split(separator: ":").first.map(String.init) ?? ""
        guard ["passenger", "vehicle", "flight"].contains(kind), kind == "passenger" || reference.contains(":") else {
            throw ValidationError("--reference is passenger, vehicle:<plate> or flight:<number>")
        }
        guard (0...1).contains(suspectRate) else { throw ValidationError("--suspect-rate is a share between 0 and 1") }
        guard ImageFileFormat(rawValue: imageFormat) != nil else { throw ValidationError("--image-format is pgm, png, tiff or dicos") }
    }

    func run() async throws {
        let format = ImageFileFormat(rawValue: imageFormat) ?? .pgm
        let device = FolderDevice(folder: folder, count: count, every: every, run: pace, faults: faults)
        try await device.play("scan") { i, at, rng, out in
            let id = "\(scanner)-\(String(format: "%06d", i))"
            let container = Identities.container(&rng), plate = Identities.plate(&rng), suspect = rng.chance(suspectRate)
            var bag: (kind: String, reference: String)?
            if baggage {
                let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
                bag = (parts[0], parts.count > 1 ? parts[1] : "B\(Int.random(in: 1_000_000...9_999_999, using: &rng))")
            }
            let scan = Self.scan(id: id, scanner: scanner, lane: lane, at: at, containers: baggage ? [] : [container],
                                 plate: baggage ? nil : plate, suspect: suspect, images: views ?? (baggage ? 2 : 1), imageFormat: format,
                                 dualEnergy: dualEnergy, bag: bag, rng: &rng)
            for (name, bytes) in scan.images { try out.write(name, bytes, subfolder: "images") }
            return .init(name: id + ".json", bytes: ScanResultWriter.json(scan.document),
                         trace: ["scanId": id, "containers": scan.document.containers, "suspect": scan.document.suspect])
        }
    }

    /// One scan's document and its 16-bit image files (named `<id>-<view>.<ext>`, or `<id>-<view>-high.<ext>`
    /// and `-low` for a dual-energy pair), each named in the document by its SHA-256 with its view and energy.
    static func scan(id: String, scanner: String, lane: String?, at: Date, containers: [String], plate: String?, suspect: Bool,
                     images: Int, imageFormat: ImageFileFormat = .pgm, dualEnergy: Bool = false,
                     bag: (kind: String, reference: String)? = nil, rng: inout SeededRandom)
        -> (document: ScanResultWriter.Scan, images: [(name: String, bytes: [UInt8])])
    {
        // A bag's four views as a cabinet's two generators see it; a container's as a portal's.
        let views = bag == nil ? ["side", "top", "front", "rear"] : ["top", "side", "top-oblique", "side-oblique"]
        var files: [(name: String, bytes: [UInt8])] = []
        var details: [String: ScanResultWriter.Scan.ImageDetail] = [:]
        for k in 0..<max(1, images) {
            let view = views[k % views.count] + (k < views.count ? "" : String(k))
            let painted: [(energy: String?, image: ScanImage)]
            if dualEnergy {
                let pair = ScanImagePainter.dualEnergy(suspect: suspect, bag: bag != nil, rng: &rng)
                painted = [("high", pair.high), ("low", pair.low)]
            } else {
                painted = [(nil, bag != nil ? ScanImagePainter.paintBag(suspect: suspect, rng: &rng) : ScanImagePainter.paint(suspect: suspect, rng: &rng))]
            }
            for (energy, image) in painted {
                let name = "\(id)-\(view)\(energy.map { "-" + $0 } ?? "").\(imageFormat.fileExtension)"
                files.append((name, ScanImagePainter.file(image, as: imageFormat)))
                details[name] = .init(view: view, energy: energy, format: imageFormat.documentFormat)
            }
        }
        var doc = ScanResultWriter.Scan(
            scanID: id, scannerID: scanner, lane: lane, startedAt: at, durationS: 35, containers: containers, plate: plate,
            images: files.map { (name: $0.name, sha256: SHA256.hash(data: $0.bytes).map { String(format: "%02x", $0) }.joined(),
                                 bytes: $0.bytes.count) },
            suspect: suspect)
        doc.details = details
        doc.bag = bag
        return (doc, files)
    }
}
