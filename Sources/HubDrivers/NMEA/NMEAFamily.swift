import HubModel

/// GNSS receivers writing NMEA 0183: each RMC, GGA or GLL with a valid position is a `gps.fix`.
public enum NMEAFamily {
    public static let family = DeviceFamily(
        name: "gps-receiver",
        kinds: [EventKind.gpsFix],
        protocols: [
            DeviceProtocol(
                // gpsd's captures in ../shared/corpus/nmea all hold comment lines a receiver never sends
                // (counted as garbage), so the capture without a reject is the simulator's.
                name: "nmea", capture: .bytes, simulator: "nmea",
                captures: [.recorded("Tests/HubDriversTests/Captures/nmea-6-epochs.log")]
            ) { NMEADriver(options: $0) }
        ])
}
