import HubModel

/// Baggage X-ray scanners whose adapter writes the same scan result documents (`niihub.scan-result/1`)
/// with a `bag` reference: one `scan.result` per bag, of family `baggage-scanner`, reviewed in the
/// same image review queue as cargo scans. Its own protocol name so that a profile says which
/// family its devices are.
public enum BaggageFamily {
    public static let family = DeviceFamily(
        name: "baggage-scanner",
        kinds: [EventKind.scanResult],
        protocols: [
            DeviceProtocol(
                name: "bag-scan", capture: .bytes, simulator: "scan",
                // `niisim scan --baggage --views 4 --reference vehicle:51D-678.90 --suspect-rate 1 --count 1 --seed 7`.
                captures: [.recorded("Tests/HubDriversTests/Captures/bag-vehicle.json")]
            ) { ScanResultDriver(options: $0) }
        ])
}
