import Foundation
import HubDrivers

/// The portal monitor's lines for a vehicle whose entry and exit the lane model decided (a stop
/// inside the portal makes a long occupancy): counts every 200 ms from the front entering to the
/// rear leaving, neutron counts every second, the speed, the closing GX.
extension PortalMonitorModel {
    mutating func occupancy(from start: Double, to end: Double, speedKmh: Double, gammaAlarm: Bool) -> [(at: Double, line: RapiscanLine)] {
        var out: [(Double, RapiscanLine)] = [(start, counts("NS", mean: settings.neutronBackgroundCps, per: 1))]
        let shielded = settings.gammaBackgroundCps * 0.2 * 0.85
        let hot = (start + (end - start) * 0.35)...(start + (end - start) * 0.65)
        var s = start
        while s < end {
            out.append((s, gammaAlarm && hot.contains(s) ? counts("GA", mean: shielded * 3.2, per: 1) : counts("GS", mean: shielded, per: 1)))
            s += 0.2
        }
        var n = start + 0.5
        while n < end {
            out.append((n, counts("NS", mean: settings.neutronBackgroundCps, per: 1)))
            n += 1
        }
        let beamSeconds = 1.0 / (max(speedKmh, 0.1) / 3.6)
        out.append((min(start + 0.1, end), RapiscanLine(code: "SP", fields: [
            String(format: "%.4f", beamSeconds), String(format: "%06.3f", speedKmh / 1.609_344), String(format: "%06.2f", speedKmh), "000000",
        ])))
        out.append((end, RapiscanLine(code: "GX", fields: [
            RapiscanLine.countField(occupancyNumber),
            RapiscanLine.countField(Int(settings.neutronBackgroundCps * Double(settings.detectors) * 1000)), "000000", "000000",
        ])))
        occupancyNumber += 1
        return out.sorted { $0.0 < $1.0 }.map { (at: $0.0, line: $0.1) }
    }

    /// Background lines every five seconds over an empty lane, from `start` up to `end`.
    mutating func background(from start: Double, to end: Double) -> [(at: Double, line: RapiscanLine)] {
        var out: [(at: Double, line: RapiscanLine)] = []
        var t = start
        while t < end {
            out.append((t, counts("GB", mean: settings.gammaBackgroundCps * 5, per: 5)))
            out.append((t + 0.01, counts("NB", mean: settings.neutronBackgroundCps * 5, per: 5)))
            t += 5
        }
        return out
    }
}
