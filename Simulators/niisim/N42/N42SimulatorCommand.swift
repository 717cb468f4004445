import ArgumentParser
import Foundation
import HubDrivers
import HubModel
import HubSimulation

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
        let device = FolderDevice(folder: folder, count: count, every: every, run: pace, faults: faults)
        try await device.play("n42") { i, at, rng, _ in
            let id = "\(instrument)-\(String(format: "%06d", i))"
            let alarm = rng.chance(alarmRate)
            let m = Self.measurement(id: id, instrument: instrument, at: at, realTimeS: every, channels: channels,
                                     nuclide: alarm ? "Cs-137" : nil, rng: &rng)
            let spectrum = m.gammaChannels, neutrons = m.neutronCounts
            return .init(name: id + ".n42", bytes: Array(N42MeasurementWriter.document(m).utf8),
                         trace: ["id": id, "gammaCounts": spectrum.reduce(0, +), "neutronCounts": neutrons, "alarm": alarm])
        }
    }

    /// One measurement: a falling Compton continuum with Poisson noise, and with a `nuclide` its
    /// photopeak (Cs-137 at 662 keV on a 0–1024 keV scale), more neutrons and a higher dose rate.
    static func measurement(id: String, instrument: String, at: Date, realTimeS: Double, channels: Int, nuclide: String?,
                            doseRateUSvH: Double? = nil, neutrons: Int? = nil, lat: Double? = nil, lon: Double? = nil,
                            rng: inout SeededRandom) -> N42MeasurementWriter.Measurement {
        let peak = channels * 662 / 1024
        let alarm = nuclide != nil
        let spectrum = (0..<channels).map { c -> Int in
            var mean = 40 * exp(-Double(c) / Double(channels) * 4) + 0.5
            if alarm { mean += 60 * exp(-pow(Double(c - peak) / 3, 2)) }
            return rng.poisson(mean)
        }
        let n = neutrons ?? rng.poisson(alarm ? 3 : 1)
        let dose = doseRateUSvH ?? (((alarm ? 0.9 : 0.09) + rng.uniform(0...0.02)) * 1000).rounded() / 1000
        var m = N42MeasurementWriter.Measurement(
            id: id, instrumentID: instrument, startedAt: at, realTimeS: realTimeS, gammaChannels: spectrum, neutronCounts: n,
            doseRateUSvH: dose, lat: lat, lon: lon, alarmNuclide: nuclide)
        // A linear calibration to 1024 keV over the channels, so the photopeak's channel reads 662 keV.
        m.energyCalibrationKeV = [0, 1024 / Double(channels), 0]
        if nuclide != nil { (m.nuclideConfidence, m.nuclideCategory) = (87, "Industrial") }
        return m
    }
}
