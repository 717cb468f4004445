import Foundation
import HubDrivers
import HubModel
import HubSimulation

/// Plays a `LaneTraffic` world through real device outputs: the portal monitor's lines on its
/// pseudo-terminal (background between vehicles, an occupancy from each entry to each exit), the
/// camera's OCR lines on TCP, the scanner's result files in its folder. Remembers what it wrote, so
/// the hub's events can be traced back to their trucks.
final class QueuePlayer {
    /// What each camera line and scan file was, by the key the hub's event will carry.
    struct Written {
        /// "text|observedAt" of a read → truck.
        var reads: [String: Int] = [:]
        /// Scan id → truck.
        var scans: [String: Int] = [:]
        /// Trucks in the order they entered the portal.
        var entryOrder: [Int] = []
    }

    private enum Step {
        case portal(RapiscanLine)
        case happening(Happening)
    }

    let world: LaneTraffic
    private let portal: ByteOutput
    private let camera: ByteOutput
    private let scanner: FolderOutput
    private let pacer: Pacer
    private let runID: String
    private var model: PortalMonitorModel
    private var rng: SeededRandom
    private(set) var written = Written()

    init(world: LaneTraffic, addresses: [String: String], speed: Double, seed: UInt64) throws {
        self.world = world
        portal = try ByteOutput(link: addresses["rpm"]!, name: "rpm")
        camera = try ByteOutput(tcp: addresses["ocr"]!, name: "ocr")
        scanner = try FolderOutput(addresses["scanner"]!)
        pacer = Pacer(speed: speed, elastic: true)
        model = PortalMonitorModel(settings: .init(), seed: seed)
        rng = SeededRandom(seed: seed ^ 0x5CA7)
        runID = String(UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1000)), radix: 36).uppercased()
    }

    /// Waits until the hub has the portal's link online.
    func waitOnline(_ hub: HubClient, device: String, timeoutS: Double) async throws {
        let deadline = Date().addingTimeInterval(timeoutS)
        while true {
            let list = try await hub.get("/api/v1/devices")["devices"] as? [[String: Any]] ?? []
            if list.first(where: { $0["id"] as? String == device })?["state"] as? String == "online" { return }
            guard Date() < deadline else { throw ValidationErrorText("device \(device) never came online at the hub") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func play() async throws {
        var steps: [(at: Double, step: Step)] = []
        var lastExit = -5.0
        let speeds = world.plan.trucks.map(\.speedKmh)
        for h in world.happenings {
            switch h.what {
            case .entry:
                written.entryOrder.append(h.truck)
            case .exit(_, let gamma):
                let entry = world.happenings.first { $0.truck == h.truck && $0.what == .entry }!.at
                for l in model.background(from: lastExit + 1, to: entry - 1) { steps.append((l.at, .portal(l.line))) }
                for l in model.occupancy(from: entry, to: h.at, speedKmh: speeds[h.truck], gammaAlarm: gamma) {
                    steps.append((l.at, .portal(l.line)))
                }
                lastExit = h.at
            default:
                steps.append((h.arrivesAt, .happening(h)))
            }
        }
        // Stable, so lines of one moment keep their order.
        let timeline = steps.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        let start = timeline.first?.at ?? 0
        for (at, step) in timeline {
            try await pacer.wait(until: at - start)
            switch step {
            case .portal(let line): portal.write(line.encoded())
            case .happening(let h): try write(h)
            }
        }
    }

    func close() {
        portal.close()
        camera.close()
    }

    /// A read or scan now: stamped by its device's clock as it was when it happened.
    private func write(_ h: Happening) throws {
        let stamp = Date().addingTimeInterval(-(h.arrivesAt - h.deviceAt) / pacer.speed)
        switch h.what {
        case .plateRead(let text), .containerRead(let text):
            let isPlate = if case .plateRead = h.what { true } else { false }
            let observed = Date(timeIntervalSince1970: (stamp.timeIntervalSince1970 * 1000).rounded() / 1000)
            camera.write(OCRLine.encode(OCRReading(
                lane: h.lane, observedAt: observed, kind: isPlate ? .plate : .container, text: text, confidence: 95,
                position: isPlate ? "front" : "rear")))
            written.reads[text + "|" + Timestamp.format(observed)] = h.truck
        case .scan(_, let containers, let plate, let suspect):
            let id = "SCN-\(runID)-\(h.truck + 1)"
            let scan = ScanSimulatorCommand.scan(
                id: id, scanner: h.device, lane: h.lane, at: stamp, containers: containers, plate: plate, suspect: suspect, images: 1,
                rng: &rng)
            for (file, bytes) in scan.images { try scanner.write(file, bytes, subfolder: "images") }
            try scanner.write(id + ".json", ScanResultWriter.json(scan.document))
            written.scans[id] = h.truck
        case .entry, .exit: break
        }
    }
}

/// A failure with a message, for errors that are not a command line's.
struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
