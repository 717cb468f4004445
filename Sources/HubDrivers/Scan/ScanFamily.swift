import HubModel

/// Container scanners whose adapter writes scan result documents (`niihub.scan-result/1`): one
/// `scan.result` per document.
public enum ScanFamily {
    public static let family = DeviceFamily(
        name: "container-scanner",
        kinds: [EventKind.scanResult],
        protocols: [
            DeviceProtocol(
                name: "scan", capture: .bytes, simulator: "scan",
                // `niisim scan --count 2 --suspect-rate 0.5`: the second document, judged suspect.
                captures: [.recorded("Tests/HubDriversTests/Captures/scan-suspect.json")]
            ) { ScanResultDriver(options: $0) }
        ])
}
