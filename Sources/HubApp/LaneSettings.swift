import HubCorrelation
import HubDevices
import HubSite

extension SiteConfig {
    /// The `passages:` settings as the assembler takes them.
    var passageWindows: PassageWindows {
        PassageWindows(
            beforeS: passageBeforeS, afterS: passageAfterS, gapS: passageGapS, clockToleranceS: passageClockToleranceS,
            minVehicleLengthM: passageMinVehicleLengthM, maxSpeedKmh: passageMaxSpeedKmh, lateS: passageLateS,
            maxOccupancyS: passageMaxOccupancyS)
    }

    /// Where each lane device stands, from the devices' `position:`.
    var laneLayout: LaneLayout {
        LaneLayout(positions: Dictionary(devices.compactMap { d in d.position.map { (d.id, $0) } }) { a, _ in a })
    }
}
