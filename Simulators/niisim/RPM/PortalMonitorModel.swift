import Foundation
import HubDrivers
import HubSimulation

/// A radiation portal monitor at a lane, as a timeline of protocol lines: background every five
/// seconds while the lane is empty, then a vehicle whose passage yields 200 ms gamma samples,
/// neutron samples each second, a speed reading and the closing GX, with Poisson counting noise and
/// gamma or neutron alarms at the configured rates.
struct PortalMonitorModel {
    struct Settings {
        var detectors = 4
        /// Gamma background per detector, counts per second.
        var gammaBackgroundCps = 380.0
        var neutronBackgroundCps = 1.2
        /// Mean seconds between vehicles.
        var vehicleEveryS = 20.0
        var gammaAlarmRate = 0.2
        var neutronAlarmRate = 0.05
    }

    /// One vehicle's way through the portal. Unset values are drawn from the seeded generator:
    /// the occupancy 4–10 s, the alarms at the settings' rates.
    struct Vehicle {
        /// Seconds the vehicle takes to cross the portal while moving (its occupancy without a stop).
        var movingS: Double?
        /// Seconds it stands still inside the portal (the occupancy lasts this much longer, its
        /// samples go on); it stops a quarter of the way through, cab past the detectors.
        var stopS = 0.0
        var gammaAlarm: Bool?
        var neutronAlarm: Bool?
    }

    var settings: Settings
    private var rng: SeededRandom
    var occupancyNumber = 1
    private var cycles = 0

    init(settings: Settings, seed: UInt64) {
        self.settings = settings
        rng = SeededRandom(seed: seed)
    }

    /// One empty-lane interval followed by one vehicle: lines with their offsets in seconds.
    mutating func cycle() -> [(at: Double, line: RapiscanLine)] {
        // The first vehicle comes soon, so someone watching a fresh start sees a passage at once.
        let idle = cycles == 0 ? 3 : settings.vehicleEveryS * rng.uniform(0.6...1.4)
        cycles += 1
        var out: [(at: Double, line: RapiscanLine)] = []
        var t = 0.0
        while t < idle {
            out += background(at: t)
            t += 5
        }
        return out + vehicle(at: idle, Vehicle())
    }

    /// What the portal says while the lane is empty from `from` until `to`: a gamma and a neutron
    /// background line every five seconds, the first `firstAfterS` after `from` (never at `to` or later).
    mutating func background(from: Double, to: Double, firstAfterS: Double = 0) -> [(at: Double, line: RapiscanLine)] {
        var out: [(at: Double, line: RapiscanLine)] = []
        var t = from + firstAfterS
        while t < to {
            out += background(at: t)
            t += 5
        }
        return out
    }

    /// One vehicle entering the portal at `start` (its first occupied lines) until its GX: the
    /// lines in time order, every one of them at `start` or later.
    mutating func vehicle(at start: Double, _ v: Vehicle) -> [(at: Double, line: RapiscanLine)] {
        var out: [(Double, RapiscanLine)] = []
        let moving = v.movingS ?? rng.uniform(4...10)
        let stop = max(0, v.stopS)
        let duration = moving + stop
        let gammaAlarm = v.gammaAlarm ?? rng.chance(settings.gammaAlarmRate)
        let neutronAlarm = v.neutronAlarm ?? rng.chance(settings.neutronAlarmRate)
        // The source passes the detectors in the middle of the vehicle; a stop (a quarter of the
        // way in) puts that later.
        let hot = (start + stop + moving * 0.35)...(start + stop + moving * 0.65)
        out.append((start, counts("NS", mean: settings.neutronBackgroundCps, per: 1)))
        var s = start
        while s < start + duration {
            let shielded = settings.gammaBackgroundCps * 0.2 * 0.85  // the vehicle shields some background
            if gammaAlarm, hot.contains(s) {
                out.append((s, counts("GA", mean: shielded * 3.2, per: 1)))
            } else {
                out.append((s, counts("GS", mean: shielded, per: 1)))
            }
            s += 0.2
        }
        var n = start + 0.5
        while n < start + duration {
            if neutronAlarm, hot.contains(n) {
                out.append((n, counts("NA", mean: 9, per: 1)))
            } else {
                out.append((n, counts("NS", mean: settings.neutronBackgroundCps, per: 1)))
            }
            n += 1
        }
        let kmh = rng.uniform(5...15)
        let beamSeconds = 1.0 / (kmh / 3.6)  // beams one metre apart
        out.append(
            (start + 1, RapiscanLine(code: "SP", fields: [
                String(format: "%.4f", beamSeconds), String(format: "%06.3f", kmh / 1.609_344),
                String(format: "%06.2f", kmh), "000000",
            ])))
        out.append(
            (start + duration, RapiscanLine(code: "GX", fields: [
                RapiscanLine.countField(occupancyNumber),
                RapiscanLine.countField(Int(settings.neutronBackgroundCps * Double(settings.detectors) * 1000)),
                "000000", "000000",
            ])))
        occupancyNumber += 1
        return out.sorted { $0.0 < $1.0 }.map { (at: $0.0, line: $0.1) }
    }

    private mutating func background(at t: Double) -> [(at: Double, line: RapiscanLine)] {
        [(t, counts("GB", mean: settings.gammaBackgroundCps * 5, per: 5)),
         (t + 0.01, counts("NB", mean: settings.neutronBackgroundCps * 5, per: 5))]
    }

    /// A counts line: each detector's Poisson count over `per` seconds, reported per second.
    mutating func counts(_ code: String, mean: Double, per: Double) -> RapiscanLine {
        let fields = (0..<settings.detectors).map { _ in
            RapiscanLine.countField(Int((Double(rng.poisson(mean)) / per).rounded()))
        }
        return RapiscanLine(code: code, fields: fields)
    }
}
