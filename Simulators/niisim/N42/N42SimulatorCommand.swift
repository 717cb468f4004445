import ArgumentParser
import Foundation
import HubDrivers
import HubModel

/// A spectroscopic radiation instrument that writes one N42.42-2012 document per measurement into a
/// folder: a Poisson gamma spectrum, neutron counts, a dose rate, and now and then a Cs-137 alarm.
struct N42SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "n42", abstract: "A radiation instrument writing N42.42-2012 files into a folder.")

    @OptionGroup(title: "Run") var pace: RunOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "The folder the hub watches.") var folder: String
    @Option(name: .long, help: "Measurements to write (0 = never stop).") var count: Int = 0
    @Option(name: .long, help: "Seconds between measurements (device time).") var every: Double = 30
    @Option(name: .long, help: "Share of measurements with a Cs-137 alarm.") var alarmRate: Double = 0.1
    @Option(name: .long, help: "Spectrum channels.") var channels: Int = 256
    @Option(name: .long, help: "Instrument identifier.") var instrument: String = "SIM-N42-1"

    func validate() throws {
        guard every > 0 else { throw ValidationError("--every must be above 0") }
        guard (16...16_384).contains(channels) else { throw ValidationError("--channels must be 16…16384") }
    }

    func run() async throws {
        let peak = channels * 662 / 1024  // Cs-137 at 662 keV on a 0–1024 keV scale
        let device = FolderDevice(folder: folder, count: count, every: every, run: pace, faults: faults)
        try await device.play("n42") { i, at, rng, _ in
            let alarm = rng.chance(alarmRate)
            let spectrum = (0..<channels).map { c -> Int in
                // A falling Compton continuum, plus a photopeak when a source is present.
                var mean = 40 * exp(-Double(c) / Double(channels) * 4) + 0.5
                if alarm { mean += 60 * exp(-pow(Double(c - peak) / 3, 2)) }
                return rng.poisson(mean)
            }
            let id = "\(instrument)-\(String(format: "%06d", i))"
            let neutrons = rng.poisson(alarm ? 3 : 1)
            let dose = (((alarm ? 0.9 : 0.09) + rng.uniform(0...0.02)) * 1000).rounded() / 1000
            let m = N42MeasurementWriter.Measurement(
                id: id, instrumentID: instrument, startedAt: at, realTimeS: every, gammaChannels: spectrum,
                neutronCounts: neutrons, doseRateUSvH: dose, alarmNuclide: alarm ? "Cs-137" : nil)
            return .init(name: id + ".n42", bytes: Array(N42MeasurementWriter.document(m).utf8),
                         trace: ["id": id, "gammaCounts": spectrum.reduce(0, +), "neutronCounts": neutrons, "alarm": alarm])
        }
    }
}
