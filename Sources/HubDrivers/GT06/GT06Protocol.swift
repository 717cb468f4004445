/// The GT06/Concox binary protocol (`78 78 len proto … serial crc 0D 0A`), as the e-seal family's
/// tracking seals speak it. Captures are written one frame per line in hex.
public enum GT06Protocol {
    public static let gt06 = DeviceProtocol(
        name: "gt06", capture: .hexLines, simulator: "gt06",
        // `niisim gt06 --units 1 --reports 10 --alarm-rate 0.3 --heartbeat-every 4` against a listener that acks.
        captures: [.recorded("Tests/HubDriversTests/Captures/gt06-eseal.hex")]
    ) { GT06Driver(options: $0) }
}
