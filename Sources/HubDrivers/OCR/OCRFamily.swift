import HubModel

/// Gate OCR and licence plate cameras on the NII Hub OCR line protocol: one `ocr.read` per line,
/// container numbers checked against ISO 6346 and repaired where one misread explains the failure.
public enum OCRFamily {
    public static let family = DeviceFamily(
        name: "gate-ocr",
        kinds: [EventKind.ocrRead],
        protocols: [
            DeviceProtocol(
                name: "ocr", capture: .bytes, simulator: "ocr",
                // `niisim ocr --stdout --vehicles 8 --misread-rate 0.3 --lane 3`: two of the container reads misread.
                captures: [.recorded("Tests/HubDriversTests/Captures/ocr-lane3.txt")]
            ) { OCRDriver(options: $0) }
        ])
}
