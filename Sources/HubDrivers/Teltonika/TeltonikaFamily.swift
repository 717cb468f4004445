import HubModel

/// Vehicle trackers on Teltonika's codec 8/8E over TCP: positions as `gps.fix`, the unit's own
/// condition (login, IO alarms) as `device.status`.
public enum TeltonikaFamily {
    public static let family = DeviceFamily(
        name: "gps-tracker",
        kinds: [EventKind.gpsFix, EventKind.deviceStatus],
        protocols: [
            DeviceProtocol(
                name: "teltonika", capture: .hexLines, simulator: "teltonika",
                // `niisim teltonika --units 1 --reports 6` against a listener that acks each packet.
                captures: [.recorded("Tests/HubDriversTests/Captures/teltonika-fmb.hex")]
            ) { TeltonikaDriver(options: $0) }
        ])
}
