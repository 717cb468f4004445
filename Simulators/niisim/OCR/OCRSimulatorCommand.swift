import ArgumentParser
import Foundation
import HubDrivers
import HubModel
import HubSimulation

/// A gate OCR camera: a container read and a plate read per vehicle, some container reads misread
/// the way cameras misread (O/0, I/1, S/5, B/8, Z/2, G/6), with a low confidence on that character.
struct OCRSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr", abstract: "A gate OCR/LPR camera on the OCR line protocol, with a configurable misread rate.")

    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Run") var pace: RunOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "Vehicles to read (0 = never stop).") var vehicles: Int = 0
    @Option(name: .long, help: "Seconds between vehicles (device time).") var every: Double = 15
    @Option(name: .long, help: "Share of container reads with one misread character.") var misreadRate: Double = 0.1
    @Option(name: .long, help: "The lane the camera names.") var lane: String = "1"

    func validate() throws {
        guard every > 0 else { throw ValidationError("--every must be above 0") }
        guard (0...1).contains(misreadRate) else { throw ValidationError("--misread-rate is a share between 0 and 1") }
    }

    func run() async throws {
        let out = try ByteOutput(output, name: "ocr")
        let log = try Trace(path: pace.trace)
        var rng = SeededRandom(seed: pace.seed)
        var injector = FaultInjector(faults, place: .starHex, seed: pace.seed)
        let pacer = Pacer(speed: pace.speed)
        var n = 0, misreads = 0
        while vehicles == 0 || n < vehicles {
            let t = Double(n) * every
            let container = Identities.container(&rng)
            let plate = Identities.plate(&rng)
            var text = container
            var confidences = container.map { _ in Double(Int.random(in: 93...99, using: &rng)) }
            if rng.chance(misreadRate), let m = Misread.apply(container, &rng) {
                text = m.text
                confidences[m.at] = Double(Int.random(in: 35...60, using: &rng))
                misreads += 1
            }
            let at = pacer.date(t, skewS: faults.clockSkew)
            log.record(["vehicle": n, "container": container, "read": text, "plate": plate, "misread": text != container])
            let reads = [
                OCRReading(lane: lane, observedAt: at, kind: .container, text: text, confidence: confidences.min() ?? 90,
                           position: "rear", characterConfidences: confidences),
                OCRReading(lane: lane, observedAt: at, kind: .plate, text: plate, confidence: 95, position: "front"),
            ]
            for r in reads {
                if !injector.inBurst() { try await pacer.wait(until: t) }
                out.write(injector.apply(OCRLine.encode(r)))
                if injector.shouldDisconnect() { out.reconnect() }
            }
            n += 1
        }
        out.close()
        log.close()
        note("ocr: \(n) vehicles, \(misreads) misread, \(injector.summary)")
    }
}
