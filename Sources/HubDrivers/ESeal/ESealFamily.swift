import HubModel

/// Electronic seals: the ASCII report protocol (`##S,eSeal,…,E##`) and GPS tracking e-seals on the
/// GT06/Concox protocol, whose IMEI is the seal's number. Their lock changes and alarms are
/// `seal.status`, their positions `gps.fix`, their own condition `device.status`; the transit watch
/// takes a device of this family as its own seal.
public enum ESealFamily {
    public static let family = DeviceFamily(
        name: "e-seal",
        kinds: [EventKind.sealStatus, EventKind.gpsFix, EventKind.deviceStatus],
        protocols: [
            GT06Protocol.gt06,
            DeviceProtocol(
                name: "eseal", capture: .bytes, simulator: "eseal",
                // `niisim eseal --units 1 --reports 12 --alarm-rate 0.3` against a listener that acks each report.
                captures: [.recorded("Tests/HubDriversTests/Captures/eseal-seal42.txt")]
            ) { ESealDriver(options: $0) },
        ])
}
