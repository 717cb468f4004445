import HubModel

/// Radiation portal monitors on the Rapiscan-style line protocol: occupancies (start and end, with
/// their alarms), background, faults, tamper and setup lines.
public enum RPMFamily {
    public static let family = DeviceFamily(
        name: "radiation-portal",
        kinds: [
            EventKind.occupancyStart, EventKind.occupancy, EventKind.radiationAlarm, EventKind.radiationBackground,
            EventKind.radiationFault, EventKind.deviceTamper, EventKind.deviceConfig,
        ],
        protocols: [
            DeviceProtocol(
                name: "rpm", capture: .bytes, simulator: "rpm",
                captures: [.shared("rpm/S2-C0-NONE.csv"), .shared("rpm/S2-C3-NORM2.csv")]
            ) { RapiscanDriver(options: $0) }
        ])
}
